// Server (see server.h).
#include "web/server.h"

#include <httplib.h>
#include <sys/stat.h>

#include <chrono>

namespace web {
namespace {

std::multimap<std::string, std::string> QueryOf(const httplib::Request& request) {
  std::multimap<std::string, std::string> query;
  for (const auto& [name, value] : request.params) query.emplace(name, value);
  return query;
}

bool IsLoopback(const std::string& address) {
  return address == "127.0.0.1" || address.rfind("127.", 0) == 0 || address == "::1" ||
         address == "::ffff:127.0.0.1";
}

}  // namespace

Server::Server(ServerOptions options, AccessOperations& access, MetricsSource* metrics)
    : options_(std::move(options)),
      access_(access),
      metrics_(metrics),
      tokens_(options_.form_secret),
      api_(access),
      pages_(access, tokens_) {
  if (!options_.clock) {
    options_.clock = [] {
      return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
    };
  }
  if (!options_.log) options_.log = [](std::string_view) {};
}

Server::~Server() { Stop(); }

void Server::Install() {
  httplib::Server& http = *http_;
  const int threads = options_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(options_.max_request_bytes);
  http.set_read_timeout(options_.read_timeout_seconds, 0);
  http.set_write_timeout(options_.write_timeout_seconds, 0);
  http.set_keep_alive_timeout(options_.keep_alive_seconds);
  http.set_keep_alive_max_count(options_.keep_alive_requests);
  http.set_default_headers({
      {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  });
  http.set_exception_handler(
      [this](const httplib::Request&, httplib::Response& response, std::exception_ptr thrown) {
        std::string what = "unknown";
        try {
          if (thrown) std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        options_.log("web: a request failed: " + what);
        response.status = 500;
        response.set_content(JsonText(ErrorDocument(base::Internal("the request failed"))),
                             "application/json");
      });

  const std::string static_dir = options_.templates_dir + "/static";
  struct stat st {};
  if (::stat(static_dir.c_str(), &st) == 0) http.set_mount_point("/static", static_dir);

  http.Get("/api/v1/openapi.json", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(openapi_, "application/json");
  });
  auto api = [this](const httplib::Request& request, httplib::Response& response) {
    std::string path = "/" + request.matches[1].str();
    HttpAnswer answer = api_.Dispatch(request.method, path, QueryOf(request), request.body,
                                      request.get_header_value("Authorization"), options_.clock());
    response.status = answer.status;
    response.set_content(answer.body, answer.content_type);
  };
  const std::string api_pattern = R"(/api/v1/(.*))";
  http.Get(api_pattern, api);
  http.Post(api_pattern, api);
  http.Put(api_pattern, api);
  http.Patch(api_pattern, api);
  http.Delete(api_pattern, api);

  http.Get("/metrics", [this](const httplib::Request& request, httplib::Response& response) {
    bool allowed = IsLoopback(request.remote_addr);
    std::string authorization = request.get_header_value("Authorization");
    if (!allowed && authorization.rfind("Bearer ", 0) == 0) {
      auto principal = access_.ForApiToken(authorization.substr(7), options_.clock());
      allowed = principal && *principal && (*principal)->site_admin;
    }
    if (!allowed || metrics_ == nullptr) {
      response.status = allowed ? 404 : 403;
      response.set_content(allowed ? "no metrics\n" : "forbidden\n", "text/plain");
      return;
    }
    auto metrics = metrics_->Metrics();
    if (!metrics) {
      response.status = 503;
      response.set_content(metrics.error() + "\n", "text/plain");
      return;
    }
    response.set_content(PrometheusText(*metrics), "text/plain; version=0.0.4; charset=utf-8");
  });

  auto page = [this](const httplib::Request& request, httplib::Response& response) {
    PageInput input;
    input.method = request.method;
    input.path = request.path;
    input.fields = QueryOf(request);
    for (const auto& [name, file] : request.files) {
      if (file.filename.empty()) {
        input.fields.emplace(name, file.content);  // a multipart text field
      } else {
        input.files[name] = UploadedFile{file.filename, file.content};
      }
    }
    input.body = request.body;
    input.cookie_header = request.get_header_value("Cookie");
    input.client = request.remote_addr;
    input.now = options_.clock();
    PageAnswer answer = pages_.Dispatch(input);
    response.status = answer.status;
    for (const std::string& cookie : answer.set_cookies) response.set_header("Set-Cookie", cookie);
    if (!answer.location.empty()) response.set_header("Location", answer.location);
    if (!answer.content_disposition.empty()) {
      response.set_header("Content-Disposition", answer.content_disposition);
    }
    response.set_content(answer.body, answer.content_type);
  };
  http.Get(R"(/(.*))", page);
  http.Post(R"(/(.*))", page);
}

base::Status Server::Start() {
  auto renderer = PageRenderer::Load(options_.templates_dir);
  if (!renderer) return renderer.failure().Prefixed("--http");
  renderer_ = std::move(*renderer);
  const bool tls = !options_.tls_cert.empty();
  if (tls) {
    auto secure =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!secure->is_valid()) {
      return base::Invalid("cannot use the TLS certificate " + options_.tls_cert + " and key " +
                           options_.tls_key);
    }
    http_ = std::move(secure);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  pages_.SetRenderer(renderer_.get());
  pages_.SetSecureCookies(tls);
  Install();
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ < 0) return base::Unavailable("cannot listen on " + options_.host);
  } else {
    if (!http_->bind_to_port(options_.host, options_.port)) {
      return base::Unavailable("cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port));
    }
    port_ = options_.port;
  }
  base_url_ = options_.base_url;
  if (base_url_.empty()) {
    std::string host =
        options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
    base_url_ = std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
  }
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  pages_.SetBaseUrl(base_url_);
  listener_ = std::thread([this] { http_->listen_after_bind(); });
  return base::Ok();
}

void Server::Stop() {
  if (http_) http_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace web
