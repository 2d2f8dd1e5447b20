// The REST API's resource routes (issue 13, "REST API"): which call each
// route makes with what, who may call it (a moderator reads and
// moderates, an owner changes, a site token creates and removes lists and
// site bans, a list's token never reaches another list), the page
// parameters, and the error shape of each failure.
#include <catch2/catch.hpp>

#include "tests/web/fake_operations.h"
#include "tests/web/table_access.h"
#include "web/api_resources.h"

namespace {

using web::Json;

struct Fixture {
  web_test::TableAccess access;
  web_test::FakeOperations ops;
  web::ApiRoutes routes{access};

  Fixture() {
    web::Principal site;
    site.actor = "api:site";
    site.site_admin = true;
    access.tokens["site"] = site;
    web::Principal owner;
    owner.actor = "api:owner";
    owner.roles["demo@example.org"] = web::ListRole::kOwner;
    access.tokens["owner"] = owner;
    web::Principal moderator;
    moderator.actor = "api:moderator";
    moderator.roles["demo@example.org"] = web::ListRole::kModerator;
    access.tokens["moderator"] = moderator;
    web::AddListRoutes(routes, ops);
    web::AddMemberRoutes(routes, ops);
    web::AddKeyRoutes(routes, ops);
    web::AddModerationRoutes(routes, ops);
    web::AddBanRoutes(routes, ops);
    web::AddReportRoutes(routes, ops);
  }

  web::HttpAnswer Call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "",
                       std::multimap<std::string, std::string> query = {}) {
    return routes.Dispatch(method, path, query, body, token.empty() ? "" : "Bearer " + token, 0);
  }
  std::string LastCall() const { return ops.calls.empty() ? "" : ops.calls.back(); }
};

Json Parsed(const web::HttpAnswer& answer) { return Json::parse(answer.body); }

// A route of the table with a path a test can call ({list} demo).
std::string Concrete(const std::string& pattern) {
  std::string path = pattern;
  const std::vector<std::pair<std::string, std::string>> names = {{"{list}", "demo@example.org"},
                                                                  {"{address}", "a@example.org"},
                                                                  {"{selector}", "s1"},
                                                                  {"{id}", "7"},
                                                                  {"{pattern}", "*@spam.example"}};
  for (const auto& [name, value] : names) {
    size_t at = path.find(name);
    if (at != std::string::npos) path.replace(at, name.size(), value);
  }
  return path;
}

}  // namespace

TEST_CASE("a list token sees only its own lists in GET /lists, a site token sees all",
          "[web][api][lists]") {
  Fixture f;
  web::HttpAnswer mine = f.Call("GET", "/lists", "owner");
  REQUIRE(mine.status == 200);
  REQUIRE(Parsed(mine).size() == 1);
  REQUIRE(Parsed(mine)[0]["address"] == "demo@example.org");
  REQUIRE(Parsed(f.Call("GET", "/lists", "site")).size() == 2);
}

TEST_CASE("creating and removing a list is for a site token alone", "[web][api][lists]") {
  Fixture f;
  REQUIRE(f.Call("POST", "/lists", "owner", R"({"address": "new@example.org"})").status == 403);
  REQUIRE(f.Call("DELETE", "/lists/demo@example.org", "owner").status == 403);
  web::HttpAnswer created = f.Call("POST", "/lists", "site",
                                   R"({"address": "new@example.org", "owner": "o@example.org"})");
  REQUIRE(created.status == 201);
  REQUIRE(f.LastCall() == "CreateList new@example.org name= owner=o@example.org by api:site");
  REQUIRE(f.Call("DELETE", "/lists/demo@example.org", "site").status == 204);
  REQUIRE(f.LastCall() == "RemoveList demo@example.org by api:site");
  web::HttpAnswer missing = f.Call("POST", "/lists", "site", "{}");
  REQUIRE(missing.status == 400);
  REQUIRE(Parsed(missing)["error"]["kind"] == "invalid");
}

TEST_CASE("PATCH settings takes strings, numbers and booleans and null resets",
          "[web][api][lists]") {
  Fixture f;
  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/settings", "moderator", R"({"arc": "off"})")
              .status == 403);
  web::HttpAnswer changed =
      f.Call("PATCH", "/lists/demo@example.org/settings", "owner",
             R"({"subject_tag": "[x]", "max_size": 2048, "arc": true, "footer_template": null})");
  REQUIRE(changed.status == 200);
  REQUIRE(f.LastCall() == "ChangeSettings demo@example.org by api:owner");
  REQUIRE(f.ops.last_reset == std::vector<std::string>{"footer_template"});
  std::map<std::string, std::string> set(f.ops.last_assignments.begin(),
                                         f.ops.last_assignments.end());
  REQUIRE(set.at("subject_tag") == "[x]");
  REQUIRE(set.at("max_size") == "2048");
  REQUIRE(set.at("arc") == "true");
  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/settings", "owner", "{}").status == 400);
  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/settings", "owner", R"({"arc": [1]})").status ==
          400);
}

TEST_CASE("the members page passes start, count and the filters, and checks them",
          "[web][api][members]") {
  Fixture f;
  web::HttpAnswer page = f.Call("GET", "/lists/demo@example.org/members", "moderator", "",
                                {{"start", "100"},
                                 {"count", "25"},
                                 {"role", "owner"},
                                 {"delivery", "enabled"},
                                 {"q", "ex%am"}});
  REQUIRE(page.status == 200);
  REQUIRE(Parsed(page)["start"] == 100);
  REQUIRE(f.ops.last_page.start == 100);
  REQUIRE(f.ops.last_page.count == 25);
  REQUIRE(f.ops.last_page.role == std::optional<std::string>("owner"));
  REQUIRE(f.ops.last_page.delivery == std::optional<std::string>("enabled"));
  REQUIRE(f.ops.last_page.contains == "ex%am");

  f.Call("GET", "/lists/demo@example.org/members", "moderator");
  REQUIRE(f.ops.last_page.start == 0);
  REQUIRE(f.ops.last_page.count == 50);
  REQUIRE_FALSE(f.ops.last_page.role);

  for (std::string bad : {"-1", "x", "1.5"}) {
    web::HttpAnswer answer =
        f.Call("GET", "/lists/demo@example.org/members", "moderator", "", {{"start", bad}});
    REQUIRE(answer.status == 400);
    REQUIRE(Parsed(answer)["error"]["kind"] == "invalid");
  }
  REQUIRE(
      f.Call("GET", "/lists/demo@example.org/members", "moderator", "", {{"count", "0"}}).status ==
      400);
  REQUIRE(f.Call("GET", "/lists/demo@example.org/members", "moderator", "", {{"count", "1001"}})
              .status == 400);
  REQUIRE(f.Call("GET", "/lists/demo@example.org/members", "moderator", "", {{"count", "1000"}})
              .status == 200);
}

TEST_CASE("members are added, changed, removed, imported and exported by an owner",
          "[web][api][members]") {
  Fixture f;
  REQUIRE(f.Call("POST", "/lists/demo@example.org/members", "moderator",
                 R"({"address": "a@example.org"})")
              .status == 403);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/members", "owner",
                 R"({"address": "a@example.org", "role": "moderator"})")
              .status == 201);
  REQUIRE(f.LastCall() == "AddMember demo@example.org a@example.org moderator by api:owner");

  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/members/a@example.org", "owner",
                 R"({"moderated": true, "delivery": "disabled"})")
              .status == 200);
  REQUIRE(f.ops.last_change.moderated == std::optional<bool>(true));
  REQUIRE(f.ops.last_change.delivery == std::optional<std::string>("disabled"));
  REQUIRE_FALSE(f.ops.last_change.role);
  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/members/a@example.org", "owner", "{}").status ==
          400);
  REQUIRE(f.Call("PATCH", "/lists/demo@example.org/members/a@example.org", "owner",
                 R"({"moderated": "yes"})")
              .status == 400);

  REQUIRE(f.Call("DELETE", "/lists/demo@example.org/members/a@example.org", "owner").status == 204);
  REQUIRE(f.LastCall() == "RemoveMember demo@example.org a@example.org by api:owner");

  REQUIRE(f.Call("POST", "/lists/demo@example.org/members/import", "owner",
                 "a@example.org\nnot an address\n")
              .status == 200);
  REQUIRE(f.ops.last_text == "a@example.org\nnot an address\n");

  web::HttpAnswer exported = f.Call("GET", "/lists/demo@example.org/members/export", "moderator");
  REQUIRE(exported.status == 200);
  REQUIRE(exported.content_type.rfind("text/plain", 0) == 0);
  REQUIRE(exported.body == "a@example.org\nBob <b@example.org>\n");
}

TEST_CASE("the key routes name the selector and algorithm, and only owners change keys",
          "[web][api][keys]") {
  Fixture f;
  REQUIRE(f.Call("GET", "/lists/demo@example.org/keys", "moderator").status == 200);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/keys", "moderator", R"({"algorithm": "rsa"})")
              .status == 403);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/keys", "owner",
                 R"({"algorithm": "rsa", "bits": 3072, "selector": "s9"})")
              .status == 201);
  REQUIRE(f.LastCall() == "Generate demo@example.org rsa bits=3072 selector=s9 by api:owner");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/keys", "owner", "{}").status == 400);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/keys/rotate", "owner").status == 201);
  REQUIRE(f.LastCall() == "Rotate demo@example.org algorithm= by api:owner");
  REQUIRE(f.Call("GET", "/lists/demo@example.org/keys/s1/dns", "moderator").status == 200);
  REQUIRE(f.LastCall() == "DnsRecords demo@example.org s1");
  REQUIRE(f.Call("GET", "/lists/demo@example.org/keys/s1/check", "moderator").status == 200);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/keys/s1/activate", "owner", "",
                 {{"algorithm", "ed25519"}})
              .status == 200);
  REQUIRE(f.LastCall() == "Activate demo@example.org s1 algorithm=ed25519 by api:owner");
  REQUIRE(
      f.Call("POST", "/lists/demo@example.org/keys/s1/retire", "owner", R"({"algorithm": "rsa"})")
          .status == 200);
  REQUIRE(f.LastCall() == "Retire demo@example.org s1 algorithm=rsa by api:owner");
  REQUIRE(f.Call("DELETE", "/lists/demo@example.org/keys/s1", "moderator").status == 403);
  REQUIRE(f.Call("DELETE", "/lists/demo@example.org/keys/s1", "owner").status == 200);
}

TEST_CASE("moderators decide held posts and requests by id, and a bad id is invalid",
          "[web][api][moderation]") {
  Fixture f;
  REQUIRE(f.Call("GET", "/lists/demo@example.org/held/7", "moderator").status == 200);
  REQUIRE(f.LastCall() == "HeldPost demo@example.org 7");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/held/7/approve", "moderator").status == 200);
  REQUIRE(f.LastCall() == "Approve demo@example.org 7 by api:moderator");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/held/7/reject", "moderator",
                 R"({"reason": "off topic"})")
              .status == 200);
  REQUIRE(f.ops.last_text == "off topic");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/held/7/reject", "moderator").status == 200);
  REQUIRE(f.ops.last_text == "a moderator rejected it");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/held/7/discard", "moderator").status == 200);
  for (std::string bad : {"0", "-3", "x7", "99999999999999999999"}) {
    web::HttpAnswer answer = f.Call("GET", "/lists/demo@example.org/held/" + bad, "moderator");
    REQUIRE(answer.status == 400);
    REQUIRE(Parsed(answer)["error"]["kind"] == "invalid");
  }
  REQUIRE(f.Call("POST", "/lists/demo@example.org/requests/3/approve", "moderator").status == 200);
  REQUIRE(f.LastCall() == "ApproveRequest demo@example.org 3 by api:moderator");
  REQUIRE(f.Call("POST", "/lists/demo@example.org/requests/3/reject", "moderator",
                 R"({"reason": "no"})")
              .status == 200);
  REQUIRE(f.LastCall() == "RejectRequest demo@example.org 3 by api:moderator");
}

TEST_CASE("list bans are an owner's, site bans a site token's", "[web][api][bans]") {
  Fixture f;
  REQUIRE(f.Call("GET", "/lists/demo@example.org/bans", "moderator").status == 200);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/bans", "moderator",
                 R"({"pattern": "*@spam.example"})")
              .status == 403);
  REQUIRE(f.Call("POST", "/lists/demo@example.org/bans", "owner",
                 R"({"pattern": "*@spam.example", "reason": "spam"})")
              .status == 201);
  REQUIRE(f.LastCall() == "AddBan demo@example.org *@spam.example by api:owner");
  REQUIRE(f.Call("DELETE", "/lists/demo@example.org/bans/*@spam.example", "owner").status == 204);
  REQUIRE(f.LastCall() == "RemoveBan demo@example.org *@spam.example by api:owner");
  REQUIRE(f.Call("GET", "/bans", "owner").status == 403);
  REQUIRE(f.Call("POST", "/bans", "owner", R"({"pattern": "x@y.example"})").status == 403);
  REQUIRE(f.Call("POST", "/bans", "site", R"({"pattern": "x@y.example"})").status == 201);
  REQUIRE(f.LastCall() == "AddBan site x@y.example by api:site");
  REQUIRE(f.Call("DELETE", "/bans/x@y.example", "site").status == 204);
}

TEST_CASE("the reports are a moderator's to read, and the events limit is checked",
          "[web][api][reports]") {
  Fixture f;
  REQUIRE(f.Call("GET", "/lists/demo@example.org/bounces", "moderator").status == 200);
  REQUIRE(f.Call("GET", "/lists/demo@example.org/doctor", "moderator").status == 200);
  REQUIRE(
      f.Call("GET", "/lists/demo@example.org/events", "moderator", "", {{"limit", "5"}}).status ==
      200);
  REQUIRE(f.LastCall() == "Events demo@example.org 5");
  REQUIRE(
      f.Call("GET", "/lists/demo@example.org/events", "moderator", "", {{"limit", "0"}}).status ==
      400);
}

TEST_CASE("no route of another list answers a list token, and every route needs a token",
          "[web][api][access]") {
  Fixture f;
  for (const web::ApiRoute& route : f.routes.Routes()) {
    const std::string path = Concrete(route.pattern);
    CAPTURE(route.method, path);
    web::HttpAnswer anonymous = f.Call(route.method, path, "");
    REQUIRE(anonymous.status == 401);
    REQUIRE(Parsed(anonymous)["error"]["kind"] == "forbidden");
    if (route.pattern.find("{list}") == std::string::npos) continue;
    std::string other = path;
    other.replace(other.find("demo@"), 5, "other@");
    const size_t before = f.ops.calls.size();
    web::HttpAnswer answer = f.Call(route.method, other, "owner", "{}");
    REQUIRE(answer.status == 403);
    REQUIRE(Parsed(answer)["error"]["kind"] == "forbidden");
    REQUIRE(f.ops.calls.size() == before);  // no operation ran
  }
}

TEST_CASE("a moderator token may read and moderate but changes nothing else",
          "[web][api][access]") {
  Fixture f;
  for (const web::ApiRoute& route : f.routes.Routes()) {
    const std::string path = Concrete(route.pattern);
    CAPTURE(route.method, path);
    web::HttpAnswer answer = f.Call(route.method, path, "moderator", "{}");
    const bool moderates =
        path.find("/held/") != std::string::npos || path.find("/requests/") != std::string::npos;
    if (route.access == web::Access::kListModerator) {
      REQUIRE((route.method == "GET" || moderates));
      REQUIRE(answer.status != 403);
    } else if (route.access != web::Access::kAnyone) {
      REQUIRE(answer.status == 403);
    }
  }
}

TEST_CASE("an operation's error comes back in the one shape with its status",
          "[web][api][errors]") {
  Fixture f;
  const std::vector<std::pair<base::Error, int>> cases = {
      {base::NotFound("no list demo@example.org"), 404},
      {base::Conflict("already a member"), 409},
      {base::Invalid("role must be member, moderator or owner"), 400},
      {base::Unavailable("DNS: no answer"), 503},
      {base::Internal("disk I/O error"), 500}};
  for (const auto& [error, status] : cases) {
    f.ops.fail = error;
    web::HttpAnswer answer = f.Call("GET", "/lists/demo@example.org/members", "owner");
    REQUIRE(answer.status == status);
    REQUIRE(Parsed(answer)["error"]["kind"] == std::string(base::ToString(error.kind)));
    REQUIRE(Parsed(answer)["error"]["message"] == error.message);
    web::HttpAnswer text = f.Call("GET", "/lists/demo@example.org/members/export", "owner");
    REQUIRE(text.status == status);
    REQUIRE(text.content_type == "application/json");
  }
}
