// ModerationFace (see moderation_face.h).
#include "listd/webface/moderation_face.h"

#include <algorithm>

#include "dkim/key_resolver.h"
#include "listd/mime/message_outline.h"
#include "listd/service/list_lookup.h"
#include "listd/service/moderation.h"
#include "listd/service/subscription_service.h"
#include "listd/views/held_view.h"
#include "listd/views/request_view.h"

namespace listd::webface {
namespace {

using Json = nlohmann::json;

service::ModerationService Moderation(storage::Store& store, const std::string& templates,
                                      const std::string& actor) {
  service::PostOptions options;
  options.templates_dir = templates;
  options.actor = actor;
  return service::ModerationService(store, options);
}

// The hold `id` when it belongs to `list`; not_found otherwise, the same
// answer as for no hold at all.
base::Result<service::HeldDetail> HeldOn(storage::Store& store, const std::string& templates,
                                         const std::string& list, int64_t id) {
  auto found = service::FindList(store, list);
  if (!found) return found.failure();
  auto detail = Moderation(store, templates, "").Show(id);
  if (!detail && detail.kind() != base::ErrorKind::kNotFound) return detail.failure();
  if (!detail || detail->held.list_id != found->id) {
    return base::NotFound("no held post " + std::to_string(id) + " on " +
                          found->address.ToString());
  }
  return detail;
}

Json OutcomeView(const service::PostOutcome& outcome) {
  return {{"post", outcome.post_id},
          {"action", std::string(service::ToString(outcome.action))},
          {"recipients", outcome.recipients},
          {"reason", outcome.reason}};
}

std::string_view AnswerName(service::Answer answer) {
  switch (answer) {
    case service::Answer::kJoined:
      return "joined";
    case service::Answer::kLeft:
      return "left";
    case service::Answer::kConfirmationSent:
      return "confirmation_sent";
    case service::Answer::kAwaitingModerator:
      return "awaiting_moderator";
    case service::Answer::kThrottled:
      return "throttled";
    case service::Answer::kBanned:
      return "banned";
    case service::Answer::kNothingToDo:
      return "nothing_to_do";
  }
  return "nothing_to_do";
}

// Request `id` when it waits on `list`; not_found otherwise.
base::Status RequestOn(service::SubscriptionService& subscriptions, const std::string& list,
                       int64_t id) {
  auto pending = subscriptions.Pending(list);
  if (!pending) return pending.failure();
  bool here = std::any_of(pending->begin(), pending->end(),
                          [id](const service::PendingRequest& p) { return p.request.id == id; });
  if (!here) return base::NotFound("no request " + std::to_string(id) + " waiting on " + list);
  return base::Ok();
}

}  // namespace

base::Result<Json> ModerationFace::HeldPosts(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto held = Moderation(store, templates_dir_, "").HeldPosts(list);
    if (!held) return held.failure();
    Json out = Json::array();
    for (const storage::HeldPost& post : *held) out.push_back(views::HeldPostView(post));
    return out;
  });
}

base::Result<Json> ModerationFace::HeldPost(const std::string& list, int64_t id) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto detail = HeldOn(store, templates_dir_, list, id);
    if (!detail) return detail.failure();
    Json view = views::HeldPostView(detail->held);
    const mime::MessageOutline outline = mime::OutlineMessage(detail->post.message);
    Json headers = Json::array();
    for (const auto& [name, value] : outline.headers) {
      headers.push_back({{"name", name}, {"value", value}});
    }
    Json parts = Json::array();
    for (const mime::OutlinePart& part : outline.parts) {
      Json entry = {{"content_type", part.content_type}, {"size", part.size}};
      if (part.text) {
        entry["text"] = *part.text;
        entry["truncated"] = part.truncated;
      }
      parts.push_back(std::move(entry));
    }
    view["envelope_from"] = detail->post.envelope_from;
    view["headers"] = std::move(headers);
    view["parts"] = std::move(parts);
    return view;
  });
}

base::Result<Json> ModerationFace::Approve(const std::string& actor, const std::string& list,
                                           int64_t id) {
  auto dns = resolvers_();
  if (!dns) return dns.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto detail = HeldOn(store, templates_dir_, list, id);
    if (!detail) return detail.failure();
    dkim::DnsKeyResolver keys(**dns);
    auto outcome = Moderation(store, templates_dir_, actor).Approve(id, keys, dns->get());
    if (!outcome) return outcome.failure();
    return OutcomeView(*outcome);
  });
}

base::Result<Json> ModerationFace::Reject(const std::string& actor, const std::string& list,
                                          int64_t id, const std::string& reason) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto detail = HeldOn(store, templates_dir_, list, id);
    if (!detail) return detail.failure();
    auto outcome = Moderation(store, templates_dir_, actor).Reject(id, reason);
    if (!outcome) return outcome.failure();
    return OutcomeView(*outcome);
  });
}

base::Result<Json> ModerationFace::Discard(const std::string& actor, const std::string& list,
                                           int64_t id) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto detail = HeldOn(store, templates_dir_, list, id);
    if (!detail) return detail.failure();
    auto outcome = Moderation(store, templates_dir_, actor).Discard(id);
    if (!outcome) return outcome.failure();
    return OutcomeView(*outcome);
  });
}

base::Result<Json> ModerationFace::Requests(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto pending = service::SubscriptionService(store, templates_dir_, "").Pending(list);
    if (!pending) return pending.failure();
    Json out = Json::array();
    for (const service::PendingRequest& p : *pending) out.push_back(views::RequestView(p));
    return out;
  });
}

base::Result<Json> ModerationFace::ApproveRequest(const std::string& actor, const std::string& list,
                                                  int64_t id, int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    service::SubscriptionService subscriptions(store, templates_dir_, actor);
    base::Status here = RequestOn(subscriptions, list, id);
    if (!here) return here.failure();
    auto answer = subscriptions.Approve(id, 0, now);
    if (!answer) return answer.failure();
    return Json{{"answer", std::string(AnswerName(answer->answer))}, {"text", answer->text}};
  });
}

base::Result<Json> ModerationFace::RejectRequest(const std::string& actor, const std::string& list,
                                                 int64_t id, const std::string& reason,
                                                 int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    service::SubscriptionService subscriptions(store, templates_dir_, actor);
    base::Status here = RequestOn(subscriptions, list, id);
    if (!here) return here.failure();
    auto answer = subscriptions.Reject(id, reason, 0, now);
    if (!answer) return answer.failure();
    return Json{{"answer", std::string(AnswerName(answer->answer))}, {"text", answer->text}};
  });
}

}  // namespace listd::webface
