// Retry and backoff: what one attempt at a batch came to for each of its
// recipients, and when the rest is tried again. Pure: no store, no clock
// of its own, so every case is tested with numbers.
//
// STANDARDS
//   RFC 5321 section 4.2.5 (4yz is transient, 5yz permanent), section
//   4.5.4.1 (retry: back off, give up after 4-5 days, counted from when
//   the mail was queued).
// BEHAVIOUR
//   Delivered recipients leave the batch; a 5xx refusal of a recipient is
//   a bounce; a 5xx refusal of the message (kRefused: MAIL FROM, DATA, the
//   end of data) is no bounce: those recipients leave the batch as
//   `refused`, with the reply in `refusal`, and score no one; a 4xx, a broken connection or a
//   recipient the transport never answered for stays, due again after retry_base * 2^attempts
//   (capped at retry_max). Once the batch was queued give_up_after ago or longer, what would stay
//   bounces instead, with why.
// LIMITS (defaults)
//   retry_base 60 s, retry_max 1 h, give_up_after 5 days.
#ifndef LISTD_LISTD_DELIVERY_RETRY_H_
#define LISTD_LISTD_DELIVERY_RETRY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "listd/delivery/transport.h"

namespace listd::delivery {

struct RetryPolicy {
  int64_t retry_base_seconds = 60;
  int64_t retry_max_seconds = 3600;
  int64_t give_up_after_seconds = 5 * 24 * 3600;
};

// The next attempt after `attempts` failed ones, at `now`.
int64_t NextAttemptAt(const RetryPolicy& policy, int attempts, int64_t now);

// What one attempt at a batch came to.
struct AttemptVerdict {
  size_t delivered = 0;
  std::vector<std::string> deferred;                         // to try again at retry_at
  std::vector<std::pair<std::string, std::string>> bounced;  // recipient, why
  std::vector<std::string> refused;  // the message was refused for them (kRefused)
  std::string refusal;               // the reply that refused it, when refused is not empty
  int64_t retry_at = 0;              // when deferred is not empty
  std::string error;                 // the transaction-level problem, if any
};

// Judges `sent`, the transport's answer for `recipients` (in that order),
// for a batch queued at `queued_at` that had `attempts` attempts before
// this one, at `now`.
AttemptVerdict JudgeAttempt(const std::vector<std::string>& recipients, const SendResult& sent,
                            int attempts, int64_t queued_at, int64_t now,
                            const RetryPolicy& policy);

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_RETRY_H_
