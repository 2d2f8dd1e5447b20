// SubscriptionService (see subscription_service.h for the policies and
// their limits).
#include "listd/service/subscription_service.h"

#include <charconv>
#include <utility>

#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"
#include "listd/service/unsubscribe_tokens.h"

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
    pipeline::ListContext& list, const std::string& address, const std::string& client,
    int64_t now) {
  int64_t list_count = 0;
  int64_t site_count = 0;
  int64_t address_count = 0;
  int64_t client_count = 0;
  for (std::string_view kind : {kConfirmJoinKind, kConfirmLeaveKind, kPendingNoticeKind}) {
    storage::MailCount count;
    count.kind = std::string(kind);
    count.since = now - kHour + 1;
    auto site = store_.mail_log().Count(count);
    if (!site) return site.failure();
    site_count += *site;
    if (!client.empty()) {
      storage::MailCount by_client = count;
      by_client.client = client;
      auto asked = store_.mail_log().Count(by_client);
      if (!asked) return asked.failure();
      client_count += *asked;
    }
    if (kind != kPendingNoticeKind) {
      storage::MailCount to_address = count;
      to_address.address = address;
      auto received = store_.mail_log().Count(to_address);
      if (!received) return received.failure();
      address_count += *received;
    }
    count.list_id = list.list.id;
    auto for_list = store_.mail_log().Count(count);
    if (!for_list) return for_list.failure();
    list_count += *for_list;
  }
  std::string why;
  if (!client.empty() && client_count >= limits_.per_client_per_hour) {
    why = "the cap of " + std::to_string(limits_.per_client_per_hour) +
          " confirmations an hour asked for from one client (" + client + ")";
  } else if (address_count >= limits_.per_address_per_hour) {
    why = "the cap of " + std::to_string(limits_.per_address_per_hour) +
          " confirmations an hour to one address";
  } else if (list_count >= list.settings.confirmations_per_hour()) {
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
  auto throttled = Throttled(list, address, who.client, now);
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
  if (!web_base_url_.empty())
    mail.values.text["confirm_url"] = web_base_url_ + "/confirm/" + *token;
  mail.client = who.client;
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
  auto throttled = Throttled(list, address, "", now);
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
  if (!web_base_url_.empty()) {
    auto member = store_.members().Find(list.list.id, address);
    if (!member) return member.failure();
    if (*member) {
      auto leave =
          MakeMemberToken(store_, list.list.id, (*member)->id, LinkPurpose::kUnsubscribe, now);
      if (!leave) return leave.failure();
      auto preferences =
          MakeMemberToken(store_, list.list.id, (*member)->id, LinkPurpose::kPreferences, now);
      if (!preferences) return preferences.failure();
      mail.values.text["unsubscribe_url"] = UnsubscribeUrl(web_base_url_, *leave);
      mail.values.text["preferences_url"] = PreferencesUrl(web_base_url_, *preferences);
    }
  }
  mail.headers.to = spec;
  mail.headers.subject = "Welcome to " + list.Address();
  auto mailed = mailer_.Send(list, post_id, std::move(mail), now);
  if (!mailed) return mailed.failure();
  return RequestAnswer{Answer::kJoined, spec + " is now subscribed to " + list.Address() + "."};
}

base::Result<RequestAnswer> SubscriptionService::Leave(pipeline::ListContext& list,
                                                       const base::EmailAddress& address,
                                                       int64_t post_id, int64_t now,
                                                       const std::string& how) {
  const std::string spec = address.ToString();
  auto removed = store_.members().Remove(list.list.id, address);
  if (!removed) return removed.failure();
  if (!*removed) {
    return RequestAnswer{Answer::kNothingToDo, spec + " is not subscribed to this list."};
  }
  base::Status noted = Event(list.list.id, "member.leave",
                             spec + " left" + (how.empty() ? "" : " (" + how + ")"), now);
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

base::Result<ConfirmationLink> SubscriptionService::DescribeConfirmation(std::string_view token,
                                                                         int64_t now) {
  ConfirmationLink link;
  auto checked = CheckTokenOfAnyList(store_, token, now);
  if (!checked) return checked.failure();
  const storage::TokenRecord& record = checked->record;
  if (checked->check != TokenCheck::kValid) {
    link.problem = "This link cannot be used: " + checked->problem + ".";
    return link;
  }
  if (record.purpose != kJoinPurpose && record.purpose != kLeavePurpose) {
    link.problem = "This link cannot be used: it is not a subscription confirmation.";
    return link;
  }
  int64_t request_id = 0;
  const char* end = record.payload.data() + record.payload.size();
  auto [stop, ec] = std::from_chars(record.payload.data(), end, request_id);
  if (ec != std::errc() || stop != end) return base::Invalid("the token names no request");
  auto request = store_.requests().Find(request_id);
  if (!request) return request.failure();
  if (!*request || (*request)->state != storage::RequestState::kConfirming) {
    link.problem = "This request was already decided; there is nothing to confirm.";
    return link;
  }
  auto list = store_.lists().FindById(record.list_id);
  if (!list) return list.failure();
  if (!*list) {
    link.problem = "This link cannot be used: its list is gone.";
    return link;
  }
  link.valid = true;
  base::EmailAddress bare = (*list)->address;
  bare.display_name.clear();
  link.list = bare.ToString();
  link.list_name = (*list)->address.display_name;
  link.address = (*request)->address.ToString();
  link.action = (*request)->action;
  return link;
}

base::Result<RequestAnswer> SubscriptionService::ConfirmByLink(std::string_view token,
                                                               int64_t now) {
  auto link = DescribeConfirmation(token, now);
  if (!link) return link.failure();
  if (!link->valid) return RequestAnswer{Answer::kNothingToDo, link->problem};
  auto checked = CheckTokenOfAnyList(store_, token, now);
  if (!checked) return checked.failure();
  auto list = pipeline::LoadListContext(store_, checked->record.list_id);
  if (!list) return list.failure();
  return Confirm(*list, std::string(token), checked->record, 0, now);
}

base::Result<RequestAnswer> SubscriptionService::LeaveByToken(std::string_view token, int64_t now) {
  return InTransaction<RequestAnswer>(
      store_, "unsubscribing by a member link", [&]() -> base::Result<RequestAnswer> {
        auto member = VerifyMemberToken(store_, token, LinkPurpose::kUnsubscribe);
        if (!member) return member.failure();
        if (!*member) {
          return RequestAnswer{Answer::kNothingToDo, std::string(kInvalidLinkSentence)};
        }
        auto list = pipeline::LoadListContext(store_, (*member)->list_id);
        if (!list) return list.failure();
        return Leave(*list, (*member)->address, 0, now, "by the unsubscribe link");
      });
}

base::Result<RequestAnswer> SubscriptionService::SetDeliveryByToken(std::string_view token,
                                                                    bool enabled, int64_t now) {
  return InTransaction<RequestAnswer>(
      store_, "setting delivery by a member link", [&]() -> base::Result<RequestAnswer> {
        auto member = VerifyMemberToken(store_, token, LinkPurpose::kPreferences);
        if (!member) return member.failure();
        if (!*member) {
          return RequestAnswer{Answer::kNothingToDo, std::string(kInvalidLinkSentence)};
        }
        const std::string spec = (*member)->address.ToString();
        const storage::Delivery wanted =
            enabled ? storage::Delivery::kEnabled : storage::Delivery::kDisabledByUser;
        const std::string sentence = enabled ? "Mail from the list is delivered to " + spec + "."
                                             : "Mail from the list is no longer delivered to " +
                                                   spec + " (it stays subscribed).";
        if ((*member)->delivery == wanted) return RequestAnswer{Answer::kNothingToDo, sentence};
        base::Status set = store_.members().SetDelivery((*member)->id, wanted);
        if (!set) return set.failure();
        base::Status noted = Event(
            (*member)->list_id, "member.delivery",
            spec + " turned delivery " + (enabled ? "on" : "off") + " on the preferences page",
            now);
        if (!noted) return noted.failure();
        return RequestAnswer{Answer::kNothingToDo, sentence};
      });
}

base::Result<std::string> SubscriptionService::MemberLinkUrl(std::string_view list,
                                                             const base::EmailAddress& address,
                                                             LinkPurpose purpose,
                                                             std::string_view base_url,
                                                             int64_t now) {
  return InTransaction<std::string>(
      store_, "making a member link", [&]() -> base::Result<std::string> {
        auto found = FindList(store_, list);
        if (!found) return found.failure();
        auto member = store_.members().Find(found->id, address);
        if (!member) return member.failure();
        if (!*member) {
          return base::NotFound(address.ToString() + " is not a member of " + std::string(list));
        }
        auto token = MakeMemberToken(store_, found->id, (*member)->id, purpose, now);
        if (!token) return token.failure();
        std::string base(base_url);
        while (!base.empty() && base.back() == '/') base.pop_back();
        return purpose == LinkPurpose::kUnsubscribe ? UnsubscribeUrl(base, *token)
                                                    : PreferencesUrl(base, *token);
      });
}

base::Status SubscriptionService::RotateLinkSecret(std::string_view list, int64_t now) {
  auto rotated =
      InTransaction<bool>(store_, "rotating the member-link secret", [&]() -> base::Result<bool> {
        auto found = FindList(store_, list);
        if (!found) return found.failure();
        base::Status done = RotateMemberLinkSecret(store_, found->id, actor_, now);
        if (!done) return done.failure();
        return true;
      });
  if (!rotated) return rotated.failure();
  return base::Ok();
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
