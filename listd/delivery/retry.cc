// Retry and backoff (see retry.h).
#include "listd/delivery/retry.h"

#include <algorithm>

namespace listd::delivery {

int64_t NextAttemptAt(const RetryPolicy& policy, int attempts, int64_t now) {
  int64_t delay = policy.retry_base_seconds;
  for (int i = 0; i < attempts && delay < policy.retry_max_seconds; ++i) delay *= 2;
  return now + std::min(delay, policy.retry_max_seconds);
}

AttemptVerdict JudgeAttempt(const std::vector<std::string>& recipients, const SendResult& sent,
                            int attempts, int64_t queued_at, int64_t now,
                            const RetryPolicy& policy) {
  AttemptVerdict verdict;
  verdict.error = sent.error;
  for (size_t i = 0; i < recipients.size(); ++i) {
    // A transport that answered for fewer recipients than it was given has
    // not delivered the rest: they wait for another attempt.
    if (i >= sent.recipients.size()) {
      verdict.deferred.push_back(recipients[i]);
      continue;
    }
    const RecipientResult& result = sent.recipients[i];
    switch (result.outcome) {
      case Outcome::kDelivered:
        ++verdict.delivered;
        break;
      case Outcome::kTempFail:
        verdict.deferred.push_back(recipients[i]);
        break;
      case Outcome::kPermFail:
        verdict.bounced.emplace_back(recipients[i], result.reply);
        break;
      case Outcome::kRefused:
        verdict.refused.push_back(recipients[i]);
        if (verdict.refusal.empty()) verdict.refusal = result.reply;
        break;
    }
  }
  // Retrying ends give_up_after the batch was queued (RFC 5321 section
  // 4.5.4.1), counted from the queueing, not from the post's arrival: a
  // post a moderator approved after days has had no attempt yet.
  if (!verdict.deferred.empty() && now - queued_at >= policy.give_up_after_seconds) {
    const std::string why = "gave up after " + std::to_string(attempts + 1) + " attempts: " +
                            (sent.error.empty() ? std::string("deferred") : sent.error);
    for (std::string& recipient : verdict.deferred) {
      verdict.bounced.emplace_back(std::move(recipient), why);
    }
    verdict.deferred.clear();
  }
  if (!verdict.deferred.empty()) verdict.retry_at = NextAttemptAt(policy, attempts, now);
  return verdict;
}

}  // namespace listd::delivery
