// RateLimiter (see rate_limiter.h).
#include "web/rate_limiter.h"

#include <algorithm>

namespace web {

void RateLimiter::Forget(std::deque<int64_t>& events, int64_t now) const {
  while (!events.empty() && events.front() <= now - window_) events.pop_front();
}

bool RateLimiter::Allows(std::string_view key, int64_t now) {
  std::lock_guard<std::mutex> hold(mutex_);
  auto found = events_.find(key);
  if (found == events_.end()) return true;
  Forget(found->second, now);
  return found->second.size() < static_cast<size_t>(limit_);
}

void RateLimiter::Count(std::string_view key, int64_t now) {
  std::lock_guard<std::mutex> hold(mutex_);
  auto found = events_.find(key);
  if (found == events_.end()) {
    if (events_.size() >= max_keys_) {
      auto stalest = std::min_element(events_.begin(), events_.end(), [](auto& a, auto& b) {
        return (a.second.empty() ? 0 : a.second.back()) < (b.second.empty() ? 0 : b.second.back());
      });
      events_.erase(stalest);
    }
    found = events_.emplace(std::string(key), std::deque<int64_t>{}).first;
  }
  Forget(found->second, now);
  found->second.push_back(now);
}

bool RateLimiter::Take(std::string_view key, int64_t now) {
  bool allowed = Allows(key, now);
  Count(key, now);
  return allowed;
}

}  // namespace web
