// WebFace: listd's web face as one object the daemon starts and stops: a
// store connection of its own shared by the HTTP threads, listd's
// implementations of web/'s operations over the services, and the
// web::Server with every group of routes installed.
//
// Lifecycle: Create (opens the store, loads templates), Start, Stop.
// Thread-safety: Start and Stop from the daemon's thread.
#ifndef LISTD_LISTD_WEBFACE_WEB_FACE_H_
#define LISTD_LISTD_WEBFACE_WEB_FACE_H_

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/service/subscription_service.h"
#include "listd/webface/api_faces.h"
#include "listd/webface/dns_resolvers.h"
#include "listd/webface/shared_store.h"
#include "listd/webface/store_metrics.h"
#include "storage/store.h"
#include "web/admin_pages.h"
#include "web/login_pages.h"
#include "web/server.h"
#include "web/subscriber_pages.h"

namespace listd::webface {

struct WebFaceOptions {
  web::ServerOptions server;
  std::string templates_dir;  // listd's templates (mail); pages are under its web/
  // The running daemon's counters, shown by /metrics after the store's
  // figures; may be null.
  web::MetricsSource* activity = nullptr;
  // DNS for key checks, activation, the doctor and approvals: listd's
  // --dns forwarder and timeout, the resolver `listctl key check` makes.
  dkim::UnboundOptions dns;
  // Makes the resolvers instead, when set (tests: a static table).
  ResolverFactory resolvers;
  service::SubscriptionLimits subscriptions;  // the site's caps, as the mail path's
};

class WebFace {
 public:
  // Opens a store connection of its own and makes the server (not yet
  // listening).
  static base::Result<std::unique_ptr<WebFace>> Create(WebFaceOptions options,
                                                       std::unique_ptr<storage::Store> store);
  ~WebFace();

  base::Status Start();
  void Stop();
  // What mails link to, and the port bound (after Start).
  const std::string& base_url() const { return server_->base_url(); }
  int port() const { return server_->port(); }

 private:
  WebFace() = default;
  WebFaceOptions options_;
  std::unique_ptr<SharedStore> store_;
  std::unique_ptr<web::AccessOperations> access_;
  std::unique_ptr<StoreMetrics> metrics_;
  std::unique_ptr<web::LoginPages> login_;
  std::unique_ptr<ApiFaces> api_faces_;     // the REST API's resources
  std::unique_ptr<web::AdminPages> admin_;  // the admin pages, over the same faces
  std::unique_ptr<web::SubscriberOperations> subscriber_;
  std::unique_ptr<web::SubscriberPages> subscriber_pages_;
  std::unique_ptr<web::Server> server_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_WEB_FACE_H_
