#include "bench/stopwatch.h"

#include <time.h>

#include <algorithm>

namespace bench {

double ClockSeconds(ClockKind clock) {
  timespec ts{};
  clock_gettime(clock == ClockKind::kThreadCpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

namespace {

// A batch should last about this long: long enough that two clock reads
// (a system call each for the CPU clock) vanish in it, short enough that
// the measured span overshoots the requested one by little.
constexpr double kBatchSeconds = 2e-3;

// Runs one batch of `n` and returns its timed duration.
double RunBatch(const MeasureOptions& options, size_t n, const std::function<void(size_t)>& op,
                const std::function<void(size_t)>& prepare) {
  if (prepare) prepare(n);
  const double start = ClockSeconds(options.clock);
  for (size_t i = 0; i < n; ++i) op(i);
  return ClockSeconds(options.clock) - start;
}

}  // namespace

Rate MeasureRate(const MeasureOptions& options, const std::function<void(size_t)>& op,
                 const std::function<void(size_t)>& prepare) {
  // Warm-up and calibration: grow the batch until it lasts kBatchSeconds,
  // and keep warming for a little while so caches and branch predictors
  // (and OpenSSL's lazily fetched algorithms) are settled.
  const double warmup = std::clamp(options.seconds * 0.05, 0.01, 0.2);
  size_t batch = 1;
  double warmed = 0;
  while (true) {
    const double took = RunBatch(options, batch, op, prepare);
    warmed += took;
    const bool calibrated = took >= kBatchSeconds || batch >= options.max_batch;
    if (!calibrated) {
      batch = std::min(options.max_batch, batch * 2);
    } else if (warmed >= warmup) {
      break;
    }
  }

  Rate rate;
  while (rate.seconds < options.seconds) {
    rate.seconds += RunBatch(options, batch, op, prepare);
    rate.operations += batch;
  }
  rate.per_second = static_cast<double>(rate.operations) / rate.seconds;
  return rate;
}

}  // namespace bench
