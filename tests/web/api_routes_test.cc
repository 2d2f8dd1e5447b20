// ApiRoutes: who may call what, and the one error shape with its status
// for every kind (issue 13, "REST API": errors and authentication).
#include "web/api_routes.h"

#include <catch2/catch.hpp>

#include "tests/web/table_access.h"

namespace {

using web::Access;
using web::ApiReply;
using web::ApiRequest;
using web::Json;

struct Fixture {
  web_test::TableAccess access;
  web::ApiRoutes routes{access};
  std::string last_list;

  Fixture() {
    web::Principal site;
    site.actor = "api:token-1";
    site.site_admin = true;
    access.tokens["site-token"] = site;
    web::Principal owner;
    owner.actor = "api:token-2";
    owner.roles["demo@example.org"] = web::ListRole::kOwner;
    access.tokens["demo-owner"] = owner;
    web::Principal moderator;
    moderator.actor = "api:token-3";
    moderator.roles["demo@example.org"] = web::ListRole::kModerator;
    access.tokens["demo-moderator"] = moderator;

    routes.Add("GET", "/lists/{list}", Access::kListModerator,
               [this](const ApiRequest& request) -> base::Result<ApiReply> {
                 last_list = request.path.at("list");
                 return ApiReply(
                     Json{{"address", request.path.at("list")}, {"by", request.principal.actor}});
               });
    routes.Add("DELETE", "/lists/{list}", Access::kListOwner,
               [](const ApiRequest&) -> base::Result<ApiReply> { return ApiReply::NoContent(); });
    routes.Add("POST", "/lists", Access::kSite,
               [](const ApiRequest& request) -> base::Result<ApiReply> {
                 auto body = request.JsonBody();
                 if (!body) return body.failure();
                 return ApiReply(201, Json{{"address", body->at("address").get<std::string>()}});
               });
    routes.Add("GET", "/fail/{kind}", Access::kAnyone,
               [](const ApiRequest& request) -> base::Result<ApiReply> {
                 const std::string& kind = request.path.at("kind");
                 if (kind == "invalid") return base::Invalid("bad");
                 if (kind == "not_found") return base::NotFound("gone");
                 if (kind == "conflict") return base::Conflict("clash");
                 if (kind == "forbidden") return base::Forbidden("no");
                 if (kind == "unavailable") return base::Unavailable("down");
                 return base::Internal("broken");
               });
    routes.Add("GET", "/page", Access::kAnyone,
               [](const ApiRequest& request) -> base::Result<ApiReply> {
                 auto start = request.QueryCount("start", 0);
                 if (!start) return start.failure();
                 return ApiReply(Json{{"start", *start}});
               });
  }

  web::HttpAnswer Call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "",
                       std::multimap<std::string, std::string> query = {}) {
    return routes.Dispatch(method, path, query, body, token.empty() ? "" : "Bearer " + token, 0);
  }
};

Json Parsed(const web::HttpAnswer& answer) { return Json::parse(answer.body); }

}  // namespace

TEST_CASE("an API call without a token or with an unknown one is 401 in the error shape",
          "[web][api]") {
  Fixture f;
  for (const std::string& token : {std::string(), std::string("no-such-token")}) {
    auto answer = f.Call("GET", "/lists/demo@example.org", token);
    CHECK(answer.status == 401);
    CHECK(Parsed(answer)["error"]["kind"] == "forbidden");
    CHECK(Parsed(answer)["error"]["message"].is_string());
  }
  CHECK(f.last_list.empty());
}

TEST_CASE("a list's token reaches its own list and never another", "[web][api][security]") {
  Fixture f;
  auto own = f.Call("GET", "/lists/demo@example.org", "demo-owner");
  CHECK(own.status == 200);
  CHECK(Parsed(own)["by"] == "api:token-2");
  // List addresses compare without regard to case.
  CHECK(f.Call("GET", "/lists/DEMO@Example.org", "demo-owner").status == 200);
  f.last_list.clear();
  auto other = f.Call("GET", "/lists/other@example.org", "demo-owner");
  CHECK(other.status == 403);
  CHECK(Parsed(other)["error"]["kind"] == "forbidden");
  CHECK(f.last_list.empty());
  // Site routes are not a list owner's.
  CHECK(f.Call("POST", "/lists", "demo-owner", R"({"address": "x@example.org"})").status == 403);
  CHECK(f.Call("POST", "/lists", "site-token", R"({"address": "x@example.org"})").status == 201);
  // The site token reaches every list.
  CHECK(f.Call("GET", "/lists/other@example.org", "site-token").status == 200);
}

TEST_CASE("a moderator's token reads the list but may not do an owner's work",
          "[web][api][security]") {
  Fixture f;
  CHECK(f.Call("GET", "/lists/demo@example.org", "demo-moderator").status == 200);
  CHECK(f.Call("DELETE", "/lists/demo@example.org", "demo-moderator").status == 403);
  CHECK(f.Call("DELETE", "/lists/demo@example.org", "demo-owner").status == 204);
}

TEST_CASE("every error kind has its status and the one error shape", "[web][api]") {
  Fixture f;
  const std::map<std::string, int> expected = {{"invalid", 400},     {"not_found", 404},
                                               {"conflict", 409},    {"forbidden", 403},
                                               {"unavailable", 503}, {"internal", 500}};
  for (const auto& [kind, status] : expected) {
    auto answer = f.Call("GET", "/fail/" + kind, "site-token");
    INFO(kind);
    CHECK(answer.status == status);
    CHECK(Parsed(answer)["error"]["kind"] == kind);
  }
}

TEST_CASE("unknown resources are 404, a known one with the wrong method 405", "[web][api]") {
  Fixture f;
  CHECK(f.Call("GET", "/nothing/here", "site-token").status == 404);
  CHECK(Parsed(f.Call("GET", "/nothing/here", "site-token"))["error"]["kind"] == "not_found");
  CHECK(f.Call("PATCH", "/lists/demo@example.org", "site-token").status == 405);
}

TEST_CASE("an error quoting bytes that are not UTF-8 is still the error document", "[web][api]") {
  // Found by web_request_fuzzer: "no such resource: /\xff" made nlohmann
  // throw while writing the 404 (type_error 316), and the client got a 500.
  Fixture f;
  auto answer = f.Call("GET", "/nothing/\xff\xfe", "site-token");
  CHECK(answer.status == 404);
  CHECK(Parsed(answer)["error"]["kind"] == "not_found");
  CHECK(Parsed(answer)["error"]["message"].get<std::string>().find("\xef\xbf\xbd") !=
        std::string::npos);
}

TEST_CASE("a body that is not JSON, or a value of the wrong type, is 400", "[web][api]") {
  Fixture f;
  CHECK(f.Call("POST", "/lists", "site-token", "{not json").status == 400);
  // "address" a number where the handler reads a string: nlohmann throws,
  // the router answers invalid instead of failing the request.
  auto wrong = f.Call("POST", "/lists", "site-token", R"({"address": 5})");
  CHECK(wrong.status == 400);
  CHECK(Parsed(wrong)["error"]["kind"] == "invalid");
}

TEST_CASE("a query count that is not a non-negative integer is 400", "[web][api]") {
  Fixture f;
  CHECK(Parsed(f.Call("GET", "/page", "site-token", "", {{"start", "20"}}))["start"] == 20);
  for (const char* bad : {"-1", "ten", "5x", "' OR 1=1 --"}) {
    CHECK(f.Call("GET", "/page", "site-token", "", {{"start", bad}}).status == 400);
  }
}

TEST_CASE("the route table lists every route as added", "[web][api]") {
  Fixture f;
  auto routes = f.routes.Routes();
  REQUIRE(routes.size() == 5);
  CHECK(routes[0].method == "GET");
  CHECK(routes[0].pattern == "/lists/{list}");
  CHECK(routes[2].access == Access::kSite);
}
