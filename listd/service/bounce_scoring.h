// Bounce scoring: the one path by which a failure of a member's mail
// counts against them, whoever saw it: the smarthost refusing the
// recipient at RCPT time (service/delivery_records.h) or a report returned
// to -bounces later (service/bounce_service.h). One failure is one call;
// a second report of the same failure within the day adds nothing.
//
// THE RULES (settings, Mailman 3's names and defaults)
//   - Only a permanent failure scores; a temporary one is an event.
//   - It adds 1 to the member's score, at most once a day: a failure less
//     than a day after the last one that scored is only an event.
//   - A score whose last failure is older than bounce_info_stale_after
//     starts again from 0 before the new point; so does a score with no
//     failure recorded (counted before schema step 7, of unknown age).
//   - At bounce_score_threshold, a member whose delivery is enabled is
//     disabled by bounce (delivery disabled-by-bounce, state reset for the
//     warnings: service/bounce_chores.h sends them and tells the owners),
//     or, with bounce_probe=on, a probe is made due instead and only the
//     probe's own bounce disables (ProbeBounced).
//   - A member already disabled (by bounce or by themselves) is scored
//     but not disabled again.
//
// Contract: store writes only (no mail: the chores mail), in the caller's
// transaction when there is one; each change has its event. An address
// that is no member of the list changes nothing and says so.
//
// Thread-safety: plain functions over the caller's Store.
#ifndef LISTD_LISTD_SERVICE_BOUNCE_SCORING_H_
#define LISTD_LISTD_SERVICE_BOUNCE_SCORING_H_

#include <cstdint>
#include <string>

#include "base/email_address.h"
#include "base/result.h"
#include "listd/service/bounce_report.h"
#include "listd/settings/list_settings.h"
#include "storage/store.h"

namespace listd::service {

// A failure of one member's mail, as one of the two paths saw it.
struct MemberFailure {
  base::EmailAddress address;
  FailureClass failure_class = FailureClass::kPermanent;
  std::string why;     // one line: the status and diagnostic, or the SMTP reply
  std::string source;  // "smtp" (refused at RCPT), or the recogniser ("dsn", "postfix", ...)
};

// What a failure did.
enum class FailureEffect {
  kNotAMember,  // the address is not on the list: nothing changed
  kTemporary,   // a temporary failure: an event only
  kSameDay,     // within a day of the last scored failure: an event only
  kScored,      // one more point
  kProbeDue,    // the threshold, with bounce_probe=on: a probe is due
  kDisabled,    // the threshold: delivery disabled by bounce
};

struct FailureOutcome {
  FailureEffect effect = FailureEffect::kNotAMember;
  double score = 0;  // the member's score after it
};

// Counts `failure` against the member of list `list_id` (its settings in
// force `settings`) at `now`, as the rules above say; `actor` for events.
base::Result<FailureOutcome> ScoreFailure(storage::Store& store, int64_t list_id,
                                          const settings::ListSettings& settings,
                                          const MemberFailure& failure, const std::string& actor,
                                          int64_t now);

// Disables `member`'s delivery by bounce at `now` (the chores then warn
// them and tell the owners), with an event saying `why`.
base::Status DisableByBounce(storage::Store& store, const storage::MemberRecord& member,
                             storage::BounceInfo info, const std::string& why,
                             const std::string& actor, int64_t now);

// A score as events, notices and `bounce ls` show it: "5.0".
std::string ScoreText(double score);

// "5.1.1 user unknown": a failure's one line for events and `bounce ls`,
// at most kMaxDiagnosticBytes.
std::string FailureLine(const BounceRecipient& recipient);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_BOUNCE_SCORING_H_
