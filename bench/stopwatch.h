// Stopwatch: measures how many times per second an operation runs.
//
// The clock is either the thread's CPU time (the default, matching
// `openssl speed`, which divides by CPU user time) or the wall clock (to
// match `openssl speed -elapsed`). CPU time keeps the figures steady on a
// machine that other jobs share; it counts user and system time, so it is
// slightly stricter with us than OpenSSL is with itself.
//
// Operations run in batches whose size is calibrated so that reading the
// clock costs nothing worth mentioning; an optional `prepare` step runs
// before each batch, outside the timed span (e.g. making the byte copies a
// verifier would have received). Not thread-safe; single-threaded use only.
#ifndef LISTD_BENCH_STOPWATCH_H_
#define LISTD_BENCH_STOPWATCH_H_

#include <cstddef>
#include <cstdint>
#include <functional>

namespace bench {

enum class ClockKind { kThreadCpu, kWall };

// Seconds on `clock` from an arbitrary origin.
double ClockSeconds(ClockKind clock);

struct Rate {
  double per_second = 0;  // operations per second
  uint64_t operations = 0;
  double seconds = 0;  // timed span the operations took
};

struct MeasureOptions {
  double seconds = 1.0;  // timed span to accumulate, after warm-up
  ClockKind clock = ClockKind::kThreadCpu;
  // Upper bound on a batch (a batch's prepared inputs must fit in memory).
  size_t max_batch = SIZE_MAX;
};

// Runs `op(i)` (i = index within the batch) until `options.seconds` of timed
// operation have accumulated, calling `prepare(n)` untimed before each batch
// of n operations when it is set. Warms up first (not counted).
Rate MeasureRate(const MeasureOptions& options, const std::function<void(size_t)>& op,
                 const std::function<void(size_t)>& prepare = {});

}  // namespace bench

#endif  // LISTD_BENCH_STOPWATCH_H_
