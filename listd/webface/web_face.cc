// WebFace (see web_face.h).
#include "listd/webface/web_face.h"

#include <chrono>

#include "listd/webface/no_access.h"
#include "listd/webface/subscriber_face.h"
#include "web/login_pages.h"
#include "web/openapi.h"

namespace listd::webface {

base::Result<std::unique_ptr<WebFace>> WebFace::Create(WebFaceOptions options,
                                                       std::unique_ptr<storage::Store> store) {
  auto face = std::unique_ptr<WebFace>(new WebFace());
  face->options_ = std::move(options);
  if (face->options_.server.templates_dir.empty()) {
    face->options_.server.templates_dir = face->options_.templates_dir + "/web";
  }
  face->store_ = std::make_unique<SharedStore>(std::move(store));
  face->access_ = std::make_unique<NoAccess>();
  auto clock = face->options_.server.clock;
  if (!clock) {
    clock = [] {
      return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
    };
  }
  face->metrics_ = std::make_unique<StoreMetrics>(*face->store_, clock, face->options_.activity);
  face->server_ =
      std::make_unique<web::Server>(face->options_.server, *face->access_, face->metrics_.get());
  face->login_ = std::make_unique<web::LoginPages>(*face->access_);
  face->login_->Install(face->server_->pages());
  face->subscriber_ = std::make_unique<SubscriberFace>(*face->store_, face->options_.templates_dir,
                                                       face->options_.subscriptions);
  face->subscriber_pages_ = std::make_unique<web::SubscriberPages>(*face->subscriber_);
  face->subscriber_pages_->Install(face->server_->pages());
  face->server_->pages().Add("GET", "/", web::PageAccess::kPublic, [](const web::PageRequest&) {
    return base::Result<web::PageReply>(web::PageReply::Render("home", {{"title", "Lists"}}));
  });
  // The REST API's resources under /api/v1, and their OpenAPI document.
  ResolverFactory resolvers =
      face->options_.resolvers ? face->options_.resolvers : UnboundResolvers(face->options_.dns);
  face->api_faces_ =
      std::make_unique<ApiFaces>(*face->store_, face->options_.templates_dir, resolvers);
  face->api_faces_->Install(face->server_->api());
  face->server_->SetOpenApi(std::string(web::OpenApiDocument()));
  // The admin pages call the very faces the API calls.
  ApiFaces& faces = *face->api_faces_;
  face->admin_ = std::make_unique<web::AdminPages>(web::AdminOperations{
      faces.lists, faces.members, faces.keys, faces.moderation, faces.bans, faces.reports});
  face->admin_->Install(face->server_->pages());
  return face;
}

WebFace::~WebFace() { Stop(); }

base::Status WebFace::Start() { return server_->Start(); }

void WebFace::Stop() {
  if (server_) server_->Stop();
}

}  // namespace listd::webface
