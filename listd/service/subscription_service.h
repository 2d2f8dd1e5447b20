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
// LINKS
//   With a web base URL (SetWebBaseUrl, listd's --http-base-url), the
//   confirmation mail links to BASE/confirm/TOKEN (a page whose button
//   confirms; the reply by mail works as before) and the welcome mail to
//   the member's unsubscribe and preferences pages (unsubscribe_tokens.h).
//   LeaveByToken and SetDeliveryByToken act on those links' tokens; a
//   token that is not valid changes nothing and gets one neutral sentence.
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
#include "listd/service/unsubscribe_tokens.h"
#include "storage/request_repository.h"
#include "storage/store.h"

namespace listd::service {

// The site's cap on confirmation mails an hour, over every list.
struct SubscriptionLimits {
  int64_t site_per_hour = 600;
  int64_t per_address_per_hour = 5;  // confirmations to one address, every list
  int64_t per_client_per_hour = 10;  // confirmations one web client asked for
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
  std::string client;        // the web client's address; "" from mail and listctl
};

// The sentence for a member link that is not valid, whatever the reason.
inline constexpr std::string_view kInvalidLinkSentence =
    "This link is not valid (any longer); nothing was changed.";

// What a confirmation link is about, for the page that shows it before
// its button is pressed.
struct ConfirmationLink {
  bool valid = false;
  std::string problem;  // why not, for the person; "" when valid
  std::string list;     // the list's address
  std::string list_name;
  std::string address;  // who joins or leaves
  storage::RequestAction action = storage::RequestAction::kJoin;
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

  // What the join or leave confirmation `token` (from a web link, which
  // names no list) would confirm; changes nothing.
  base::Result<ConfirmationLink> DescribeConfirmation(std::string_view token, int64_t now);
  // Confirms by the web link's `token` as Confirm() does by mail; a token
  // not valid (or not a join or leave one) gets its problem, kNothingToDo.
  base::Result<RequestAnswer> ConfirmByLink(std::string_view token, int64_t now);

  // The one-click unsubscribe (RFC 8058): the member `token` names
  // (LinkPurpose::kUnsubscribe) leaves at once, with the event and the
  // goodbye mail. kLeft; kNothingToDo with kInvalidLinkSentence for a
  // token that is not valid.
  base::Result<RequestAnswer> LeaveByToken(std::string_view token, int64_t now);
  // The preferences link: turns the delivery of the member `token` names
  // (LinkPurpose::kPreferences) on or off (disabled-by-user). kNothingToDo
  // with kInvalidLinkSentence for a token that is not valid.
  base::Result<RequestAnswer> SetDeliveryByToken(std::string_view token, bool enabled, int64_t now);
  // The URL of member `address`'s unsubscribe (or preferences) page on
  // the list at `list`, under `base_url`; not_found when not a member.
  // Makes the list's member-link secret on first use.
  base::Result<std::string> MemberLinkUrl(std::string_view list, const base::EmailAddress& address,
                                          LinkPurpose purpose, std::string_view base_url,
                                          int64_t now);
  // A new member-link secret for the list at `list`: every unsubscribe
  // and preferences link sent before stops working (event
  // list.secret_rotated).
  base::Status RotateLinkSecret(std::string_view list, int64_t now);
  // What confirmation mails and welcome mails link to; "" (the default):
  // no links, the mail path alone.
  void SetWebBaseUrl(std::string base_url) { web_base_url_ = std::move(base_url); }

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
                                    int64_t post_id, int64_t now, const std::string& how = "");
  // Whether one more confirmation mail for `list` would pass the caps;
  // when not, the throttle event is recorded and the answer returned.
  base::Result<std::optional<RequestAnswer>> Throttled(pipeline::ListContext& list,
                                                       const std::string& address,
                                                       const std::string& client, int64_t now);
  base::Status Event(int64_t list_id, const std::string& action, const std::string& detail,
                     int64_t now);

  storage::Store& store_;
  ListMailer mailer_;
  std::string actor_;
  SubscriptionLimits limits_;
  std::string web_base_url_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_SUBSCRIPTION_SERVICE_H_
