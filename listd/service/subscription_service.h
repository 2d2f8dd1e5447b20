// SubscriptionService: the subscriber's life cycle, as the operations every
// face shares (mail to -join/-leave/-request/-confirm, listctl, later the
// web): ask to join or leave, confirm from one's own mailbox, a moderator's
// approve or reject.
//
// THE POLICIES (settings: subscription_policy, unsubscription_policy)
//   join, open            at once when the address itself asked and is
//                         proven (an authenticated From, or an admin's
//                         face); otherwise as confirm: an unproven From is
//                         anyone's to write
//   join, confirm         a confirmation to the address; its reply joins
//   join, moderate        a notice to each moderator and owner; a
//                         moderator's approve joins
//   join, confirm_then_moderate   the confirmation, then the moderators
//   leave, open           at once when the member asked, proven; else as
//                         confirm
//   leave, confirm        a confirmation to the member; its reply leaves
//
// LIMITS (anti-bombing, and no roster probing)
//   - One request per (list, address, action); asked again within an hour
//     of its confirmation mail, no second mail is sent.
//   - At most confirmations_per_hour confirmation and moderator-notice
//     mails per list, and SubscriptionLimits::site_per_hour for the whole
//     site; a request past a cap is an event (subscription.throttled), not
//     a mail, and nothing is recorded for it.
//   - What the requester is told never says whether the address is already
//     a member, unless the requester proved to be that address: the same
//     sentence and the same confirmation mail either way.
//   - Banned addresses (list or site ban) cannot ask to join.
//
// Contract: every call is one transaction with its events and the mail it
// writes (list_mailer.h). `post_id` is the command mail being answered (0
// from other faces). Errors: store failures, and templates that do not
// render (kind invalid).
//
// Thread-safety: one per thread, over that thread's Store.
#ifndef LISTD_LISTD_SERVICE_SUBSCRIPTION_SERVICE_H_
#define LISTD_LISTD_SERVICE_SUBSCRIPTION_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/list_mailer.h"
#include "storage/request_repository.h"
#include "storage/store.h"

namespace listd::service {

// The site's cap on confirmation mails an hour, over every list.
struct SubscriptionLimits {
  int64_t site_per_hour = 600;
};

// What came of a request, for the one who asked.
enum class Answer {
  kJoined,
  kLeft,
  kConfirmationSent,  // or would have been: the requester cannot tell
  kAwaitingModerator,
  kThrottled,
  kBanned,
  kNothingToDo,  // a proven member asked to join, a proven non-member to leave
};

struct RequestAnswer {
  Answer answer = Answer::kNothingToDo;
  std::string text;  // a sentence for the requester
};

// Who asks, for whom.
struct Requester {
  base::EmailAddress address;  // to join or leave
  // The request proves it comes from `address` itself: an authenticated
  // From (pipeline/author_auth), or an admin's face.
  bool proven = false;
  std::string via = "mail";  // "mail", "listctl", "web"
  int64_t post_id = 0;       // the command mail, or 0
};

// A pending request with the list it is for, for `sub pending`.
struct PendingRequest {
  storage::RequestRecord request;
  std::string list;  // the list's address
};

class SubscriptionService {
 public:
  SubscriptionService(storage::Store& store, std::string templates_dir, std::string actor,
                      SubscriptionLimits limits = {});

  base::Result<RequestAnswer> RequestJoin(pipeline::ListContext& list, const Requester& who,
                                          int64_t now);
  base::Result<RequestAnswer> RequestLeave(pipeline::ListContext& list, const Requester& who,
                                           int64_t now);
  // The person's own confirmation, by a join or leave token already
  // checked valid (confirmation_tokens.h); the token is used here.
  base::Result<RequestAnswer> Confirm(pipeline::ListContext& list, const std::string& token,
                                      const storage::TokenRecord& record, int64_t post_id,
                                      int64_t now);

  // The requests waiting for a moderator on the list at `list`.
  base::Result<std::vector<PendingRequest>> Pending(std::string_view list);
  // A moderator's decisions on request `request_id` (not_found when there
  // is no such request waiting for one). Approve joins and welcomes;
  // Reject drops it and tells the requester, with `reason` when given.
  base::Result<RequestAnswer> Approve(int64_t request_id, int64_t post_id, int64_t now);
  base::Result<RequestAnswer> Reject(int64_t request_id, const std::string& reason, int64_t post_id,
                                     int64_t now);

 private:
  base::Result<RequestAnswer> SendConfirmation(pipeline::ListContext& list, const Requester& who,
                                               storage::RequestAction action, int64_t now);
  base::Result<RequestAnswer> AskModerators(pipeline::ListContext& list,
                                            const storage::RequestRecord& request, int64_t post_id,
                                            int64_t now);
  base::Result<RequestAnswer> Join(pipeline::ListContext& list, const base::EmailAddress& address,
                                   int64_t post_id, int64_t now);
  base::Result<RequestAnswer> Leave(pipeline::ListContext& list, const base::EmailAddress& address,
                                    int64_t post_id, int64_t now);
  // Whether one more confirmation mail for `list` would pass the caps;
  // when not, the throttle event is recorded and the answer returned.
  base::Result<std::optional<RequestAnswer>> Throttled(pipeline::ListContext& list,
                                                       const std::string& address, int64_t now);
  base::Status Event(int64_t list_id, const std::string& action, const std::string& detail,
                     int64_t now);

  storage::Store& store_;
  ListMailer mailer_;
  std::string actor_;
  SubscriptionLimits limits_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_SUBSCRIPTION_SERVICE_H_
