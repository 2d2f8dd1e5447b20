// WebFace (see web_face.h).
#include "listd/webface/web_face.h"

#include "listd/webface/no_access.h"
#include "listd/webface/subscriber_face.h"
#include "web/login_pages.h"

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
  face->server_ = std::make_unique<web::Server>(face->options_.server, *face->access_);
  face->login_ = std::make_unique<web::LoginPages>(*face->access_);
  face->login_->Install(face->server_->pages());
  face->subscriber_ = std::make_unique<SubscriberFace>(*face->store_, face->options_.templates_dir,
                                                       face->options_.subscriptions);
  face->subscriber_pages_ = std::make_unique<web::SubscriberPages>(*face->subscriber_);
  face->subscriber_pages_->Install(face->server_->pages());
  face->server_->pages().Add("GET", "/", web::PageAccess::kPublic, [](const web::PageRequest&) {
    return base::Result<web::PageReply>(web::PageReply::Render("home", {{"title", "Lists"}}));
  });
  return face;
}

WebFace::~WebFace() { Stop(); }

base::Status WebFace::Start() { return server_->Start(); }

void WebFace::Stop() {
  if (server_) server_->Stop();
}

}  // namespace listd::webface
