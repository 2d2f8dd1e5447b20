// Bounce scoring (see bounce_scoring.h).
#include "listd/service/bounce_scoring.h"

#include <cstdio>

namespace listd::service {
namespace {

constexpr int64_t kDay = 86400;

base::Status Event(storage::Store& store, int64_t list_id, const std::string& actor,
                   const std::string& action, const std::string& detail, int64_t now) {
  return store.events().Record(now, actor, list_id, action, detail);
}

}  // namespace

std::string ScoreText(double score) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", score);
  return text;
}

std::string FailureLine(const BounceRecipient& recipient) {
  std::string line = recipient.status;
  if (!recipient.diagnostic.empty()) {
    if (!line.empty()) line += " ";
    line += recipient.diagnostic;
  }
  if (line.empty()) line = recipient.action.empty() ? "failed" : recipient.action;
  if (line.size() > kMaxDiagnosticBytes) line.resize(kMaxDiagnosticBytes);
  return line;
}

base::Status DisableByBounce(storage::Store& store, const storage::MemberRecord& member,
                             storage::BounceInfo info, const std::string& why,
                             const std::string& actor, int64_t now) {
  base::Status disabled =
      store.members().SetDelivery(member.id, storage::Delivery::kDisabledByBounce);
  if (!disabled) return disabled;
  info.member_id = member.id;
  info.probe = storage::ProbeState::kNone;
  info.probe_sent_at = 0;
  info.disabled_at = now;
  info.owners_told = false;
  info.warnings_sent = 0;
  info.last_warning_at = 0;
  base::Status kept = store.bounces().Put(info);
  if (!kept) return kept;
  return Event(store, member.list_id, actor, "bounce.disable",
               member.address.ToString() + " disabled by bounces: " + why, now);
}

base::Result<FailureOutcome> ScoreFailure(storage::Store& store, int64_t list_id,
                                          const settings::ListSettings& settings,
                                          const MemberFailure& failure, const std::string& actor,
                                          int64_t now) {
  auto found = store.members().Find(list_id, failure.address);
  if (!found) return found.failure();
  if (!*found) return FailureOutcome{FailureEffect::kNotAMember, 0};
  const storage::MemberRecord& member = **found;
  const std::string who = member.address.ToString();
  const std::string seen = " (" + failure.source + "): " + failure.why;

  if (failure.failure_class == FailureClass::kTemporary) {
    base::Status noted =
        Event(store, list_id, actor, "bounce.temporary", who + " delayed" + seen, now);
    if (!noted) return noted.failure();
    return FailureOutcome{FailureEffect::kTemporary, member.bounce_score};
  }

  auto info = store.bounces().Get(member.id);
  if (!info) return info.failure();
  if (info->last_failure_at != 0 && now - info->last_failure_at < kDay) {
    base::Status noted = Event(store, list_id, actor, "bounce.same_day",
                               who + " failed again within the day, not scored" + seen, now);
    if (!noted) return noted.failure();
    return FailureOutcome{FailureEffect::kSameDay, member.bounce_score};
  }
  double score = member.bounce_score;
  // The old failures are stale (the address worked since), or of unknown
  // age: a score with no failure recorded beside it was counted before
  // bounce state existed, a point per refused recipient with no daily limit.
  if (info->last_failure_at == 0 ||
      now - info->last_failure_at > settings.bounce_info_stale_after()) {
    score = 0;
  }
  score += 1;
  base::Status scored = store.members().SetBounceScore(member.id, score);
  if (!scored) return scored.failure();
  info->last_failure_at = now;
  info->last_failure = failure.why.substr(0, kMaxDiagnosticBytes);
  base::Status noted =
      Event(store, list_id, actor, "bounce.score", who + " scored " + ScoreText(score) + seen, now);
  if (!noted) return noted.failure();

  const bool at_threshold = score >= settings.bounce_score_threshold();
  if (!at_threshold || member.delivery != storage::Delivery::kEnabled) {
    base::Status kept = store.bounces().Put(*info);
    if (!kept) return kept.failure();
    return FailureOutcome{FailureEffect::kScored, score};
  }
  if (settings.bounce_probe()) {
    if (info->probe == storage::ProbeState::kNone) {
      info->probe = storage::ProbeState::kDue;
      base::Status due = Event(store, list_id, actor, "bounce.probe_due",
                               who + " reached the threshold; a probe will be sent", now);
      if (!due) return due.failure();
    }
    base::Status kept = store.bounces().Put(*info);
    if (!kept) return kept.failure();
    return FailureOutcome{FailureEffect::kProbeDue, score};
  }
  base::Status disabled = DisableByBounce(store, member, *info,
                                          "score " + ScoreText(score) + " reached the threshold " +
                                              ScoreText(settings.bounce_score_threshold()),
                                          actor, now);
  if (!disabled) return disabled.failure();
  return FailureOutcome{FailureEffect::kDisabled, score};
}

}  // namespace listd::service
