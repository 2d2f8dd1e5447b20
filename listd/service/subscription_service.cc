// SubscriptionService (see subscription_service.h for the policies and
// their limits).
#include "listd/service/subscription_service.h"

#include <charconv>
#include <utility>

#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

constexpr int64_t kHour = 3600;

// The mail-log kinds that count against the confirmation caps.
constexpr std::string_view kConfirmJoinKind = "confirm-join";
constexpr std::string_view kConfirmLeaveKind = "confirm-leave";
constexpr std::string_view kPendingNoticeKind = "subscription-pending";

std::string_view ConfirmKind(storage::RequestAction action) {
  return action == storage::RequestAction::kJoin ? kConfirmJoinKind : kConfirmLeaveKind;
}

std::string_view Purpose(storage::RequestAction action) {
  return action == storage::RequestAction::kJoin ? kJoinPurpose : kLeavePurpose;
}

// The one sentence an unproven requester gets, whatever the roster holds.
std::string ConfirmationSentence(const std::string& address, storage::RequestAction action) {
  if (action == storage::RequestAction::kJoin) {
    return "A confirmation was sent to " + address +
           "; the subscription starts when it is answered.";
  }
  return "If " + address +
         " is subscribed, a confirmation was sent to it; the member leaves when it is "
         "answered.";
}

std::string AwaitingSentence(const std::string& address) {
  return "The request to subscribe " + address + " waits for a moderator's decision.";
}

}  // namespace

SubscriptionService::SubscriptionService(storage::Store& store, std::string templates_dir,
                                         std::string actor, SubscriptionLimits limits)
    : store_(store),
      mailer_(store, std::move(templates_dir)),
      actor_(std::move(actor)),
      limits_(limits) {}

base::Status SubscriptionService::Event(int64_t list_id, const std::string& action,
                                        const std::string& detail, int64_t now) {
  return store_.events().Record(now, actor_, list_id, action, detail);
}

base::Result<RequestAnswer> SubscriptionService::RequestJoin(pipeline::ListContext& list,
                                                             const Requester& who, int64_t now) {
  const std::string address = who.address.ToString();
  return InTransaction<RequestAnswer>(
      store_, "asking to subscribe " + address, [&]() -> base::Result<RequestAnswer> {
        auto banned = store_.bans().Match(list.list.id, who.address);
        if (!banned) return banned.failure();
        if (*banned) {
          base::Status noted =
              Event(list.list.id, "subscription.banned",
                    address + " asked to join; banned by " + (*banned)->pattern, now);
          if (!noted) return noted.failure();
          return RequestAnswer{Answer::kBanned, address + " cannot be subscribed to this list."};
        }
        const settings::SubscriptionPolicy policy = list.settings.subscription_policy();
        if (policy == settings::SubscriptionPolicy::kOpen && who.proven) {
          return Join(list, who.address, who.post_id, now);
        }
        if (policy == settings::SubscriptionPolicy::kModerate) {
          auto existing =
              store_.requests().FindFor(list.list.id, who.address, storage::RequestAction::kJoin);
          if (!existing) return existing.failure();
          if (*existing && (*existing)->state == storage::RequestState::kModerating &&
              (*existing)->expires_at > now) {
            return RequestAnswer{Answer::kAwaitingModerator, AwaitingSentence(address)};
          }
          if (*existing) {
            base::Status removed = store_.requests().Remove((*existing)->id);
            if (!removed) return removed.failure();
          }
          storage::RequestRecord request;
          request.list_id = list.list.id;
          request.address = who.address;
          request.action = storage::RequestAction::kJoin;
          request.state = storage::RequestState::kModerating;
          request.via = who.via;
          request.created_at = now;
          request.expires_at = now + list.settings.pending_request_life();
          auto id = store_.requests().Add(request);
          if (!id) return id.failure();
          request.id = *id;
          return AskModerators(list, request, who.post_id, now);
        }
        return SendConfirmation(list, who, storage::RequestAction::kJoin, now);
      });
}

base::Result<RequestAnswer> SubscriptionService::RequestLeave(pipeline::ListContext& list,
                                                              const Requester& who, int64_t now) {
  const std::string address = who.address.ToString();
  return InTransaction<RequestAnswer>(
      store_, "asking to unsubscribe " + address, [&]() -> base::Result<RequestAnswer> {
        auto member = store_.members().Find(list.list.id, who.address);
        if (!member) return member.failure();
        if (!*member) {
          // Told plainly only to the proven address itself; anyone else
          // gets the sentence a member's request gets.
          if (who.proven) {
            return RequestAnswer{Answer::kNothingToDo,
                                 address + " is not subscribed to this list."};
          }
          return RequestAnswer{Answer::kConfirmationSent,
                               ConfirmationSentence(address, storage::RequestAction::kLeave)};
        }
        if (list.settings.unsubscription_policy() == settings::UnsubscriptionPolicy::kOpen &&
            who.proven) {
          return Leave(list, who.address, who.post_id, now);
        }
        return SendConfirmation(list, who, storage::RequestAction::kLeave, now);
      });
}

base::Result<std::optional<RequestAnswer>> SubscriptionService::Throttled(
    pipeline::ListContext& list, const std::string& address, int64_t now) {
  int64_t list_count = 0;
  int64_t site_count = 0;
  for (std::string_view kind : {kConfirmJoinKind, kConfirmLeaveKind, kPendingNoticeKind}) {
    storage::MailCount count;
    count.kind = std::string(kind);
    count.since = now - kHour + 1;
    auto site = store_.mail_log().Count(count);
    if (!site) return site.failure();
    site_count += *site;
    count.list_id = list.list.id;
    auto for_list = store_.mail_log().Count(count);
    if (!for_list) return for_list.failure();
    list_count += *for_list;
  }
  std::string why;
  if (list_count >= list.settings.confirmations_per_hour()) {
    why = "the list's cap of " + std::to_string(list.settings.confirmations_per_hour()) +
          " confirmation mails an hour (confirmations_per_hour)";
  } else if (site_count >= limits_.site_per_hour) {
    why = "the site's cap of " + std::to_string(limits_.site_per_hour) +
          " confirmation mails an hour";
  }
  if (why.empty()) return std::optional<RequestAnswer>();
  base::Status noted =
      Event(list.list.id, "subscription.throttled",
            "no confirmation mailed to " + address + ": " + why + " was reached", now);
  if (!noted) return noted.failure();
  return std::optional<RequestAnswer>(RequestAnswer{
      Answer::kThrottled,
      "The list has sent too many confirmations in the last hour; please ask again later."});
}

base::Result<RequestAnswer> SubscriptionService::SendConfirmation(pipeline::ListContext& list,
                                                                  const Requester& who,
                                                                  storage::RequestAction action,
                                                                  int64_t now) {
  const std::string address = who.address.ToString();
  const RequestAnswer sent{Answer::kConfirmationSent, ConfirmationSentence(address, action)};
  auto existing = store_.requests().FindFor(list.list.id, who.address, action);
  if (!existing) return existing.failure();
  if (*existing && (*existing)->state == storage::RequestState::kModerating &&
      (*existing)->expires_at > now) {
    return RequestAnswer{Answer::kAwaitingModerator, AwaitingSentence(address)};
  }
  // Asked again within the hour: the mail already sent stands.
  storage::MailCount recent;
  recent.kind = std::string(ConfirmKind(action));
  recent.list_id = list.list.id;
  recent.address = address;
  recent.since = now - kHour + 1;
  auto repeats = store_.mail_log().Count(recent);
  if (!repeats) return repeats.failure();
  if (*existing && *repeats > 0 && (*existing)->expires_at > now) {
    base::Status noted = Event(list.list.id, "subscription.repeat",
                               "asked again to " + std::string(ToString(action)) + " for " +
                                   address + "; the confirmation sent within the hour stands",
                               now);
    if (!noted) return noted.failure();
    return sent;
  }
  auto throttled = Throttled(list, address, now);
  if (!throttled) return throttled.failure();
  if (*throttled) return **throttled;

  const int64_t life = list.settings.pending_request_life();
  int64_t request_id = 0;
  if (*existing) {
    request_id = (*existing)->id;
    base::Status renewed = store_.requests().Renew(request_id, now + life);
    if (!renewed) return renewed.failure();
    base::Status retired =
        store_.tokens().UseAllFor(std::string(Purpose(action)), std::to_string(request_id), now);
    if (!retired) return retired.failure();
  } else {
    storage::RequestRecord request;
    request.list_id = list.list.id;
    request.address = who.address;
    request.action = action;
    request.state = storage::RequestState::kConfirming;
    request.via = who.via;
    request.created_at = now;
    request.expires_at = now + life;
    auto id = store_.requests().Add(request);
    if (!id) return id.failure();
    request_id = *id;
  }
  auto token = IssueToken(store_, list.list.id, Purpose(action), address,
                          std::to_string(request_id), now, life);
  if (!token) return token.failure();
  const std::string confirm_address = list.RoleAddress("confirm+" + *token);
  ListMail mail;
  mail.kind = std::string(ConfirmKind(action));
  mail.template_name =
      action == storage::RequestAction::kJoin ? "confirm_join.mustache" : "confirm_leave.mustache";
  mail.values.text["address"] = address;
  mail.values.text["confirm_address"] = confirm_address;
  mail.values.text["token"] = *token;
  mail.headers.to = address;
  mail.headers.reply_to = confirm_address;
  // "confirm TOKEN" as the subject, so that a reply sent to -request
  // instead of the Reply-To still confirms (the Subject is read as a
  // command there).
  mail.headers.subject = "confirm " + *token;
  mail.headers.auto_submitted = "auto-generated";
  auto mailed = mailer_.Send(list, who.post_id, std::move(mail), now);
  if (!mailed) return mailed.failure();
  base::Status noted =
      Event(list.list.id, "subscription.confirm_sent",
            "confirmation to " + std::string(ToString(action)) + " mailed to " + address +
                " (request " + std::to_string(request_id) + ", via " + who.via + ")",
            now);
  if (!noted) return noted.failure();
  return sent;
}

base::Result<RequestAnswer> SubscriptionService::AskModerators(
    pipeline::ListContext& list, const storage::RequestRecord& request, int64_t post_id,
    int64_t now) {
  const std::string address = request.address.ToString();
  auto moderators = AddressesWithRoles(
      store_, list.list.id, {storage::MemberRole::kModerator, storage::MemberRole::kOwner});
  if (!moderators) return moderators.failure();
  auto throttled = Throttled(list, address, now);
  if (!throttled) return throttled.failure();
  // Throttled or not, the request waits: `sub pending` shows it.
  if (!*throttled) {
    for (const std::string& moderator : *moderators) {
      auto token =
          IssueToken(store_, list.list.id, kModerateJoinPurpose, moderator,
                     std::to_string(request.id), now, list.settings.pending_request_life());
      if (!token) return token.failure();
      const std::string confirm_address = list.RoleAddress("confirm+" + *token);
      ListMail mail;
      mail.kind = std::string(kPendingNoticeKind);
      mail.template_name = "subscription_pending.mustache";
      mail.values.text["address"] = address;
      mail.values.text["request_id"] = std::to_string(request.id);
      mail.values.text["confirm_address"] = confirm_address;
      mail.headers.to = moderator;
      mail.headers.reply_to = confirm_address;
      mail.headers.from = list.RoleAddress("owner");
      mail.headers.subject = "Subscription request to " + list.Address() + ": " + address;
      auto mailed = mailer_.Send(list, post_id, std::move(mail), now);
      if (!mailed) return mailed.failure();
    }
  }
  base::Status noted =
      Event(list.list.id, "subscription.request",
            address + " asks to join (request " + std::to_string(request.id) + "); " +
                std::to_string(*throttled ? 0 : moderators->size()) + " moderators notified",
            now);
  if (!noted) return noted.failure();
  return RequestAnswer{Answer::kAwaitingModerator, AwaitingSentence(address)};
}

base::Result<RequestAnswer> SubscriptionService::Join(pipeline::ListContext& list,
                                                      const base::EmailAddress& address,
                                                      int64_t post_id, int64_t now) {
  const std::string spec = address.ToString();
  auto added = store_.members().Add(list.list.id, address, storage::MemberRole::kMember, now);
  if (!added) return added.failure();
  if (!*added) {
    return RequestAnswer{Answer::kNothingToDo, spec + " is already subscribed to this list."};
  }
  base::Status noted = Event(list.list.id, "member.join", spec + " joined", now);
  if (!noted) return noted.failure();
  ListMail mail;
  mail.kind = "welcome";
  mail.template_name = "welcome.mustache";
  mail.values.text["address"] = spec;
  mail.headers.to = spec;
  mail.headers.subject = "Welcome to " + list.Address();
  auto mailed = mailer_.Send(list, post_id, std::move(mail), now);
  if (!mailed) return mailed.failure();
  return RequestAnswer{Answer::kJoined, spec + " is now subscribed to " + list.Address() + "."};
}

base::Result<RequestAnswer> SubscriptionService::Leave(pipeline::ListContext& list,
                                                       const base::EmailAddress& address,
                                                       int64_t post_id, int64_t now) {
  const std::string spec = address.ToString();
  auto removed = store_.members().Remove(list.list.id, address);
  if (!removed) return removed.failure();
  if (!*removed) {
    return RequestAnswer{Answer::kNothingToDo, spec + " is not subscribed to this list."};
  }
  base::Status noted = Event(list.list.id, "member.leave", spec + " left", now);
  if (!noted) return noted.failure();
  ListMail mail;
  mail.kind = "goodbye";
  mail.template_name = "goodbye.mustache";
  mail.values.text["address"] = spec;
  mail.headers.to = spec;
  mail.headers.subject = "You have left " + list.Address();
  auto mailed = mailer_.Send(list, post_id, std::move(mail), now);
  if (!mailed) return mailed.failure();
  return RequestAnswer{Answer::kLeft, spec + " has left " + list.Address() + "."};
}

base::Result<RequestAnswer> SubscriptionService::Confirm(pipeline::ListContext& list,
                                                         const std::string& token,
                                                         const storage::TokenRecord& record,
                                                         int64_t post_id, int64_t now) {
  return InTransaction<RequestAnswer>(
      store_, "confirming a request", [&]() -> base::Result<RequestAnswer> {
        int64_t request_id = 0;
        const char* end = record.payload.data() + record.payload.size();
        auto [stop, ec] = std::from_chars(record.payload.data(), end, request_id);
        if (ec != std::errc() || stop != end) return base::Invalid("the token names no request");
        auto request = store_.requests().Find(request_id);
        if (!request) return request.failure();
        if (!*request || (*request)->state != storage::RequestState::kConfirming) {
          return RequestAnswer{Answer::kNothingToDo,
                               "This request was already decided; nothing was changed."};
        }
        auto used = UseToken(store_, token, now);
        if (!used) return used.failure();
        if (!*used) {
          return RequestAnswer{Answer::kNothingToDo,
                               "This confirmation was already used; nothing was changed."};
        }
        const storage::RequestRecord& pending = **request;
        if (pending.action == storage::RequestAction::kLeave) {
          base::Status removed = store_.requests().Remove(pending.id);
          if (!removed) return removed.failure();
          return Leave(list, pending.address, post_id, now);
        }
        // The policy as it is now: an admin who made the list moderated
        // meanwhile gets a moderator's look at it.
        if (list.settings.subscription_policy() ==
            settings::SubscriptionPolicy::kConfirmThenModerate) {
          base::Status moved =
              store_.requests().SetState(pending.id, storage::RequestState::kModerating,
                                         now + list.settings.pending_request_life());
          if (!moved) return moved.failure();
          return AskModerators(list, pending, post_id, now);
        }
        base::Status removed = store_.requests().Remove(pending.id);
        if (!removed) return removed.failure();
        return Join(list, pending.address, post_id, now);
      });
}

base::Result<std::vector<PendingRequest>> SubscriptionService::Pending(std::string_view list) {
  auto found = FindList(store_, list);
  if (!found) return found.failure();
  auto requests = store_.requests().ForList(found->id, storage::RequestState::kModerating);
  if (!requests) return requests.failure();
  std::vector<PendingRequest> pending;
  for (storage::RequestRecord& request : *requests) {
    pending.push_back({std::move(request), found->address.ToString()});
  }
  return pending;
}

base::Result<RequestAnswer> SubscriptionService::Approve(int64_t request_id, int64_t post_id,
                                                         int64_t now) {
  return InTransaction<RequestAnswer>(
      store_, "approving request " + std::to_string(request_id),
      [&]() -> base::Result<RequestAnswer> {
        auto request = store_.requests().Find(request_id);
        if (!request) return request.failure();
        if (!*request || (*request)->state != storage::RequestState::kModerating) {
          return base::NotFound("no request " + std::to_string(request_id) +
                                " waits for a moderator");
        }
        auto list = pipeline::LoadListContext(store_, (*request)->list_id);
        if (!list) return list.failure();
        base::Status retired = store_.tokens().UseAllFor(std::string(kModerateJoinPurpose),
                                                         std::to_string(request_id), now);
        if (!retired) return retired.failure();
        base::Status removed = store_.requests().Remove(request_id);
        if (!removed) return removed.failure();
        base::Status noted = Event(list->list.id, "subscription.approve",
                                   "request " + std::to_string(request_id) + " of " +
                                       (*request)->address.ToString() + " approved",
                                   now);
        if (!noted) return noted.failure();
        return Join(*list, (*request)->address, post_id, now);
      });
}

base::Result<RequestAnswer> SubscriptionService::Reject(int64_t request_id,
                                                        const std::string& reason, int64_t post_id,
                                                        int64_t now) {
  return InTransaction<RequestAnswer>(
      store_, "rejecting request " + std::to_string(request_id),
      [&]() -> base::Result<RequestAnswer> {
        auto request = store_.requests().Find(request_id);
        if (!request) return request.failure();
        if (!*request || (*request)->state != storage::RequestState::kModerating) {
          return base::NotFound("no request " + std::to_string(request_id) +
                                " waits for a moderator");
        }
        auto list = pipeline::LoadListContext(store_, (*request)->list_id);
        if (!list) return list.failure();
        const std::string address = (*request)->address.ToString();
        base::Status retired = store_.tokens().UseAllFor(std::string(kModerateJoinPurpose),
                                                         std::to_string(request_id), now);
        if (!retired) return retired.failure();
        base::Status removed = store_.requests().Remove(request_id);
        if (!removed) return removed.failure();
        base::Status noted = Event(list->list.id, "subscription.reject",
                                   "request " + std::to_string(request_id) + " of " + address +
                                       " rejected" + (reason.empty() ? "" : ": " + reason),
                                   now);
        if (!noted) return noted.failure();
        ListMail mail;
        mail.kind = "subscription-rejected";
        mail.template_name = "subscription_rejected.mustache";
        mail.values.text["address"] = address;
        mail.values.text["reason"] = reason;
        mail.headers.to = address;
        mail.headers.subject = "Your request to join " + list->Address();
        auto mailed = mailer_.Send(*list, post_id, std::move(mail), now);
        if (!mailed) return mailed.failure();
        return RequestAnswer{Answer::kNothingToDo, "The request of " + address + " was rejected."};
      });
}

}  // namespace listd::service
