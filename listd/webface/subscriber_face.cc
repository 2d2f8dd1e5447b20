// SubscriberFace (see subscriber_face.h).
#include "listd/webface/subscriber_face.h"

#include "base/email_address.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/list_lookup.h"
#include "listd/service/unsubscribe_tokens.h"
#include "listd/settings/list_settings.h"

namespace listd::webface {
namespace {

constexpr char kActor[] = "web";

using Outcome = web::SubscriberOutcome;

std::string BareAddress(base::EmailAddress address) {
  address.display_name.clear();
  return address.ToString();
}

web::PublicList PublicOf(const storage::ListRecord& list, const settings::ListSettings& settings) {
  return web::PublicList{BareAddress(list.address), list.address.display_name,
                         settings.description()};
}

web::SubscriberAnswer AnswerOf(const service::RequestAnswer& answer) {
  switch (answer.answer) {
    case service::Answer::kThrottled:
      return {Outcome::kThrottled, answer.text};
    case service::Answer::kBanned:
      return {Outcome::kRefused, answer.text};
    default:
      if (answer.text == service::kInvalidLinkSentence) return {Outcome::kInvalidLink, answer.text};
      return {Outcome::kDone, answer.text};
  }
}

// The advertised list at `text`, with its settings; nullopt for an
// unknown, unadvertised or malformed one alike.
base::Result<std::optional<service::FoundList>> FindAdvertised(storage::Store& store,
                                                               std::string_view text) {
  auto found = service::FindListWithSettings(store, text);
  if (!found) {
    if (base::IsSystemFailure(found.failure())) return found.failure();
    return std::optional<service::FoundList>();
  }
  if (!found->settings.advertised()) return std::optional<service::FoundList>();
  return std::optional<service::FoundList>(std::move(*found));
}

std::optional<web::MemberSummary> SummaryOf(storage::Store& store,
                                            const storage::MemberRecord& member) {
  auto list = store.lists().FindById(member.list_id);
  if (!list || !*list) return std::nullopt;
  return web::MemberSummary{BareAddress((*list)->address), (*list)->address.display_name,
                            member.address.ToString(),
                            member.delivery == storage::Delivery::kEnabled};
}

}  // namespace

base::Result<std::vector<web::PublicList>> SubscriberFace::AdvertisedLists() {
  return store_.With([&](storage::Store& store) -> base::Result<std::vector<web::PublicList>> {
    auto lists = store.lists().All();
    if (!lists) return lists.failure();
    std::vector<web::PublicList> advertised;
    for (const storage::ListRecord& list : *lists) {
      auto settings = settings::LoadListSettings(store, list);
      if (!settings) return settings.failure();
      if (settings->advertised()) advertised.push_back(PublicOf(list, *settings));
    }
    return advertised;
  });
}

base::Result<std::optional<web::PublicList>> SubscriberFace::AdvertisedList(std::string_view list) {
  return store_.With([&](storage::Store& store) -> base::Result<std::optional<web::PublicList>> {
    auto found = FindAdvertised(store, list);
    if (!found) return found.failure();
    if (!*found) return std::optional<web::PublicList>();
    return std::optional<web::PublicList>(PublicOf((*found)->record, (*found)->settings));
  });
}

base::Result<web::SubscriberAnswer> SubscriberFace::Request(std::string_view list,
                                                            std::string_view address,
                                                            const std::string& client,
                                                            const std::string& base_url, bool join,
                                                            int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) {
    return web::SubscriberAnswer{Outcome::kRefused,
                                 "That is not an email address; please check it."};
  }
  return store_.With([&](storage::Store& store) -> base::Result<web::SubscriberAnswer> {
    auto found = FindAdvertised(store, list);
    if (!found) return found.failure();
    if (!*found) return base::NotFound("There is no such list.");
    auto context = pipeline::LoadListContext(store, (*found)->record.id);
    if (!context) return context.failure();
    service::SubscriptionService subscriptions(store, templates_dir_, kActor, limits_);
    subscriptions.SetWebBaseUrl(base_url);
    service::Requester who;
    who.address = *parsed;
    who.proven = false;  // a web form proves nothing: always the confirmation mail
    who.via = "web";
    who.client = client;
    auto answer = join ? subscriptions.RequestJoin(*context, who, now)
                       : subscriptions.RequestLeave(*context, who, now);
    if (!answer) return answer.failure();
    return AnswerOf(*answer);
  });
}

base::Result<web::SubscriberAnswer> SubscriberFace::RequestJoin(std::string_view list,
                                                                std::string_view address,
                                                                const std::string& client,
                                                                const std::string& base_url,
                                                                int64_t now) {
  return Request(list, address, client, base_url, true, now);
}

base::Result<web::SubscriberAnswer> SubscriberFace::RequestLeave(std::string_view list,
                                                                 std::string_view address,
                                                                 const std::string& client,
                                                                 const std::string& base_url,
                                                                 int64_t now) {
  return Request(list, address, client, base_url, false, now);
}

base::Result<web::ConfirmationSummary> SubscriberFace::DescribeConfirmation(std::string_view token,
                                                                            int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<web::ConfirmationSummary> {
    service::SubscriptionService subscriptions(store, templates_dir_, kActor, limits_);
    auto link = subscriptions.DescribeConfirmation(token, now);
    if (!link) return link.failure();
    return web::ConfirmationSummary{link->valid,   link->problem,
                                    link->list,    link->list_name,
                                    link->address, link->action == storage::RequestAction::kJoin};
  });
}

base::Result<web::SubscriberAnswer> SubscriberFace::Confirm(std::string_view token,
                                                            const std::string& base_url,
                                                            int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<web::SubscriberAnswer> {
    service::SubscriptionService subscriptions(store, templates_dir_, kActor, limits_);
    subscriptions.SetWebBaseUrl(base_url);
    auto link = subscriptions.DescribeConfirmation(token, now);
    if (!link) return link.failure();
    if (!link->valid) return web::SubscriberAnswer{Outcome::kInvalidLink, link->problem};
    auto answer = subscriptions.ConfirmByLink(token, now);
    if (!answer) return answer.failure();
    return AnswerOf(*answer);
  });
}

base::Result<std::optional<web::MemberSummary>> SubscriberFace::UnsubscribeLinkMember(
    std::string_view token) {
  return store_.With([&](storage::Store& store) -> base::Result<std::optional<web::MemberSummary>> {
    auto member = service::VerifyMemberToken(store, token, service::LinkPurpose::kUnsubscribe);
    if (!member) return member.failure();
    if (!*member) return std::optional<web::MemberSummary>();
    return SummaryOf(store, **member);
  });
}

base::Result<web::SubscriberAnswer> SubscriberFace::Unsubscribe(std::string_view token,
                                                                int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<web::SubscriberAnswer> {
    service::SubscriptionService subscriptions(store, templates_dir_, kActor, limits_);
    auto answer = subscriptions.LeaveByToken(token, now);
    if (!answer) return answer.failure();
    return AnswerOf(*answer);
  });
}

base::Result<std::optional<web::MemberSummary>> SubscriberFace::PreferencesLinkMember(
    std::string_view token) {
  return store_.With([&](storage::Store& store) -> base::Result<std::optional<web::MemberSummary>> {
    auto member = service::VerifyMemberToken(store, token, service::LinkPurpose::kPreferences);
    if (!member) return member.failure();
    if (!*member) return std::optional<web::MemberSummary>();
    return SummaryOf(store, **member);
  });
}

base::Result<web::SubscriberAnswer> SubscriberFace::SetDelivery(std::string_view token, bool on,
                                                                int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<web::SubscriberAnswer> {
    service::SubscriptionService subscriptions(store, templates_dir_, kActor, limits_);
    auto answer = subscriptions.SetDeliveryByToken(token, on, now);
    if (!answer) return answer.failure();
    return AnswerOf(*answer);
  });
}

}  // namespace listd::webface
