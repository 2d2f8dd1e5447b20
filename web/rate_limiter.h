// RateLimiter: how many times a key (an account, a client address) did a
// thing in the last window, kept in memory.
//
// Used for what must be refused before it costs: wrong passwords (the 11th
// in a minute is refused without checking it), and subscribe forms per
// client address. Limits per target address (one confirmation mail an
// hour to the same person) are the subscription service's, shared with
// the mail path, not this.
//
// Memory is bounded: at most `max_keys` keys are tracked; when full, the
// key whose newest event is oldest is forgotten.
//
// Thread-safety: every call may come from any thread.
#ifndef LISTD_WEB_RATE_LIMITER_H_
#define LISTD_WEB_RATE_LIMITER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace web {

class RateLimiter {
 public:
  // At most `limit` events per key in any `window_seconds`.
  RateLimiter(int limit, int64_t window_seconds, size_t max_keys = 100000)
      : limit_(limit), window_(window_seconds), max_keys_(max_keys) {}

  // Whether `key` is below its limit at `now` (does not count).
  bool Allows(std::string_view key, int64_t now);
  // Counts one event for `key` at `now`.
  void Count(std::string_view key, int64_t now);
  // Counts one event and says whether it was within the limit.
  bool Take(std::string_view key, int64_t now);

 private:
  void Forget(std::deque<int64_t>& events, int64_t now) const;
  int limit_;
  int64_t window_;
  size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, std::deque<int64_t>, std::less<>> events_;
};

}  // namespace web

#endif  // LISTD_WEB_RATE_LIMITER_H_
