// Fuzz target: what an HTTP client controls once cpp-httplib has framed a
// request (web/): the method, the decoded path, the query, the body, the
// Authorization header and the Cookie header. The input, cut at 0x01, is
// those six pieces in that order (query as "name=value&..." text).
//
// Properties:
// - ApiRoutes::Dispatch always answers (no exception escapes), with a
//   status it documents, and every answer of 400 or more is the one error
//   document {"error": {"kind", "message"}} in valid JSON;
// - no handler behind a token runs for a request without a known token,
//   and a list owner's token never reaches another list's handler;
// - a route's named segments are whole, non-empty, slash-free segments;
// - CookieValue returns a value holding no ';';
// - a timed form token the fuzzer made up is accepted only if it is,
//   byte for byte, the token the server itself would issue.
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "web/access_operations.h"
#include "web/api_routes.h"
#include "web/form_tokens.h"
#include "web/page_routes.h"

namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kSiteToken[] = "site-token";
constexpr char kOwnerToken[] = "owner-token";
constexpr char kOwnedList[] = "demo@example.org";

class FuzzAccess : public web::AccessOperations {
 public:
  base::Result<std::optional<web::Principal>> ForApiToken(std::string_view token,
                                                          int64_t) override {
    web::Principal principal;
    if (token == kSiteToken) {
      principal.actor = "api:token-1";
      principal.site_admin = true;
      return std::optional<web::Principal>(principal);
    }
    if (token == kOwnerToken) {
      principal.actor = "api:token-2";
      principal.roles[kOwnedList] = web::ListRole::kOwner;
      return std::optional<web::Principal>(principal);
    }
    return std::optional<web::Principal>();
  }
  base::Result<std::optional<web::Principal>> ForPassword(std::string_view, std::string_view,
                                                          int64_t) override {
    return std::optional<web::Principal>();
  }
  base::Result<std::string> OpenSession(std::string_view, int64_t) override {
    return base::Error(base::ErrorKind::kUnavailable, "no sessions here");
  }
  base::Result<std::optional<web::Principal>> ForSession(std::string_view, int64_t) override {
    return std::optional<web::Principal>();
  }
  base::Status CloseSession(std::string_view) override { return base::Ok(); }
  base::Status MailPasswordLink(std::string_view, std::string_view, int64_t) override {
    return base::Ok();
  }
  base::Result<std::optional<std::string>> PasswordLinkAddress(std::string_view, int64_t) override {
    return std::optional<std::string>();
  }
  base::Status SetPasswordWithToken(std::string_view, std::string_view, int64_t) override {
    return base::Error(base::ErrorKind::kNotFound, "no such link");
  }
};

// Which list a handler behind a token last ran for ("" none).
std::string g_reached_list;
bool g_reached_site = false;

void CheckSegments(const web::ApiRequest& request) {
  for (const auto& [name, value] : request.path) {
    listd_fuzz::Check(!value.empty() && value.find('/') == std::string::npos,
                      "a named segment is one whole, non-empty segment");
  }
}

web::ApiRoutes& Routes() {
  static FuzzAccess access;
  static web::ApiRoutes* routes = [] {
    auto* table = new web::ApiRoutes(access);
    table->Add("GET", "/lists", web::Access::kAnyone, [](const web::ApiRequest& request) {
      auto start = request.QueryCount("start", 0);
      if (!start) return base::Result<web::ApiReply>(start.failure());
      auto count = request.QueryCount("count", 50);
      if (!count) return base::Result<web::ApiReply>(count.failure());
      return base::Result<web::ApiReply>(web::ApiReply(web::Json{{"start", *start}}));
    });
    table->Add("POST", "/lists", web::Access::kSite, [](const web::ApiRequest& request) {
      g_reached_site = true;
      auto body = request.JsonBody();
      if (!body) return base::Result<web::ApiReply>(body.failure());
      // Reading a field of the wrong type throws nlohmann's type_error,
      // which Dispatch must turn into a 400.
      std::string address = body->value("address", std::string());
      return base::Result<web::ApiReply>(web::ApiReply(201, web::Json{{"address", address}}));
    });
    for (const char* pattern : {"/lists/{list}", "/lists/{list}/members/{address}"}) {
      table->Add("GET", pattern, web::Access::kListModerator, [](const web::ApiRequest& request) {
        CheckSegments(request);
        g_reached_list = request.path.at("list");
        return base::Result<web::ApiReply>(web::ApiReply(web::Json::object()));
      });
      table->Add("DELETE", pattern, web::Access::kListOwner, [](const web::ApiRequest& request) {
        CheckSegments(request);
        g_reached_list = request.path.at("list");
        return base::Result<web::ApiReply>(web::ApiReply::NoContent());
      });
    }
    table->Add("GET", "/fail/{kind}", web::Access::kAnyone, [](const web::ApiRequest& request) {
      CheckSegments(request);
      return base::Result<web::ApiReply>(
          base::Error(base::ErrorKind::kConflict, "fails: " + request.path.at("kind")));
    });
    return table;
  }();
  return *routes;
}

std::multimap<std::string, std::string> QueryOf(std::string_view text) {
  std::multimap<std::string, std::string> query;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('&', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(at, end - at);
    size_t equals = pair.find('=');
    query.emplace(std::string(pair.substr(0, equals)),
                  equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
    at = end + 1;
  }
  return query;
}

bool Lowered(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  auto pieces = listd_fuzz::Pieces(listd_fuzz::Text(data, size));
  pieces.resize(6);
  const std::string method(pieces[0]), path(pieces[1]), body(pieces[3]);
  const std::string authorization(pieces[4]);
  const std::string_view cookies = pieces[5];

  g_reached_list.clear();
  g_reached_site = false;
  web::HttpAnswer answer =
      Routes().Dispatch(method, path, QueryOf(pieces[2]), body, authorization, kNow);
  static const std::set<int> kStatuses = {200, 201, 204, 400, 401, 403, 404,
                                          405, 409, 413, 429, 500, 503};
  Check(kStatuses.count(answer.status) == 1, "a documented status");
  if (answer.status >= 400) {
    auto document = nlohmann::json::parse(answer.body, nullptr, false);
    Check(!document.is_discarded(), "an error answer is valid JSON");
    Check(document.is_object() && document.size() == 1 && document.contains("error") &&
              document["error"].is_object() && document["error"].contains("kind") &&
              document["error"].contains("message"),
          "an error answer has the one error shape");
  }
  const bool site = authorization == std::string("Bearer ") + kSiteToken;
  const bool owner = authorization == std::string("Bearer ") + kOwnerToken;
  if (!site && !owner) {
    Check(g_reached_list.empty() && !g_reached_site, "no handler behind a token runs without one");
  }
  if (owner) {
    Check(!g_reached_site, "a list token never reaches a site route");
    Check(g_reached_list.empty() || Lowered(g_reached_list, kOwnedList),
          "a list owner's token never reaches another list");
  }

  std::string value = web::CookieValue(cookies, web::kSessionCookie);
  Check(value.find(';') == std::string::npos, "a cookie value holds no ';'");

  static const web::FormTokens tokens(std::string(32, 'k'));
  const std::string_view made_up = pieces[2];
  base::Status checked = tokens.CheckTimed(made_up, "subscribe", cookies, kNow, 0, 3600);
  if (checked.ok()) {
    bool issued = false;
    for (int64_t age = 0; age <= 3600 && !issued; ++age) {
      issued = tokens.Timed("subscribe", cookies, kNow - age) == made_up;
    }
    Check(issued, "only a token the server issued passes");
  }
  return 0;
}
