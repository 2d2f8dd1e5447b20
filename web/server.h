// Server: listd's HTTP face on one address: the REST API under /api/v1,
// the pages, /metrics, and the static files the pages use.
//
// STANDARDS
//   HTTP/1.1 (RFC 9110, 9112) through cpp-httplib; cookies (RFC 6265bis:
//   HttpOnly, SameSite=Strict, Secure under TLS).
// LIMITS (ServerOptions; the defaults)
//   threads 8: connections handled at once; more wait for a thread.
//   request bodies up to 16 MiB (a member import), larger get 413.
//   10 s to read a request and 10 s to write a reply; a kept-alive
//   connection is closed after 5 s idle or 100 requests.
// Every answer carries Content-Security-Policy "default-src 'self';
// frame-ancestors 'none'" (no inline script or style, no framing),
// X-Content-Type-Options nosniff, Referrer-Policy no-referrer (page URLs
// hold tokens) and Cache-Control no-store.
//
// /metrics answers only a loopback client or a site API token.
//
// Lifecycle: make it, add routes to api() and pages(), Start(), Stop().
// Thread-safety: Start and Stop from one thread; handlers run on the
// server's threads.
#ifndef LISTD_WEB_SERVER_H_
#define LISTD_WEB_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "web/access_operations.h"
#include "web/api_routes.h"
#include "web/form_tokens.h"
#include "web/metrics_source.h"
#include "web/page_renderer.h"
#include "web/page_routes.h"

namespace httplib {
class Server;
}

namespace web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0 picks a free one (tests)
  std::string base_url;  // what mails link to; "" = http(s)://HOST:PORT
  std::string tls_cert;  // PEM files: serve HTTPS instead of HTTP
  std::string tls_key;
  std::string templates_dir;  // templates/web: the pages and static/
  int threads = 8;
  size_t max_request_bytes = 16 * 1024 * 1024;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  size_t keep_alive_requests = 100;
  std::string form_secret;                    // FormTokens' secret; "" = a random one
  std::function<int64_t()> clock;             // seconds since the epoch
  std::function<void(std::string_view)> log;  // one line per event
};

class Server {
 public:
  Server(ServerOptions options, AccessOperations& access, MetricsSource* metrics = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  ApiRoutes& api() { return api_; }
  PageRoutes& pages() { return pages_; }
  const FormTokens& form_tokens() const { return tokens_; }
  // The OpenAPI document served at /api/v1/openapi.json.
  void SetOpenApi(std::string document) { openapi_ = std::move(document); }

  // Loads the templates, binds and starts serving on a thread of its own.
  base::Status Start();
  // Stops accepting and waits for the requests in hand.
  void Stop();
  // The bound port (after Start).
  int port() const { return port_; }
  // What links in mail and pages start with.
  const std::string& base_url() const { return base_url_; }

 private:
  void Install();

  ServerOptions options_;
  AccessOperations& access_;
  MetricsSource* metrics_;
  FormTokens tokens_;
  ApiRoutes api_;
  PageRoutes pages_;
  std::string openapi_;
  std::unique_ptr<PageRenderer> renderer_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;
  int port_ = 0;
  std::string base_url_;
};

}  // namespace web

#endif  // LISTD_WEB_SERVER_H_
