// The admin pages over FakeListd (issue 13, "Admin pages" and "Security,
// as tests"): who may open which page, forms refused without the session's
// CSRF token, hostile values escaped, activation refused until DNS matches
// (RFC 5863 section 3.5: verify the publication before signing), and no
// GET changing anything.
#include "web/admin_pages.h"

#include <catch2/catch.hpp>

#include "tests/web/fake_listd.h"
#include "tests/web/table_access.h"

namespace {

using web_test::Json;

constexpr char kDemo[] = "demo@example.org";
constexpr char kOther[] = "other@example.org";
constexpr char kHostile[] = "<script>alert(1)</script>";

struct Fixture {
  web_test::TableAccess access;
  web_test::FakeListd listd;
  web::FormTokens tokens{std::string(32, 'k')};
  web::PageRoutes pages{access, tokens};
  std::unique_ptr<web::PageRenderer> renderer;
  web::AdminPages admin{{listd, listd, listd, listd, listd, listd}};

  Fixture() {
    auto loaded = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
    REQUIRE(loaded);
    renderer = std::move(*loaded);
    pages.SetRenderer(renderer.get());
    admin.Install(pages);
    User("alice@example.org", {{kDemo, web::ListRole::kOwner}}, false);
    User("bob@example.org", {{kDemo, web::ListRole::kModerator}}, false);
    User("carol@example.org", {{kOther, web::ListRole::kOwner}}, false);
    User("root@example.org", {}, true);
    web_test::FakeListd::List& demo = listd.AddList(kDemo, kHostile);
    demo.members.push_back({{"address", "ann@example.net"},
                            {"name", kHostile},
                            {"role", "member"},
                            {"delivery", "disabled-by-bounce"},
                            {"bounce_score", 5},
                            {"moderated", false},
                            {"subscribed_at", 1}});
    demo.held.push_back(
        {{"id", 7},
         {"from", "mallory@example.net"},
         {"subject", kHostile},
         {"reason", "not a member"},
         {"held_at", "2026-12-02T10:00:00Z"},
         {"headers", Json::array({{{"name", "Subject"}, {"value", kHostile}}})},
         {"parts",
          Json::array({{{"content_type", "text/plain"}, {"size", 20}, {"text", "<b>bold</b> text"}},
                       {{"content_type", "text/html"}, {"size", 40}}})}});
    demo.requests.push_back({{"id", 3}, {"address", "new@example.net"}, {"action", "subscribe"}});
    listd.AddList(kOther, "Other");
  }

  void User(const std::string& address, std::map<std::string, web::ListRole> roles, bool site) {
    web::Principal principal;
    principal.actor = "web:" + address;
    principal.user = address;
    principal.site_admin = site;
    principal.roles = std::move(roles);
    access.users[address] = principal;
  }
  // A session cookie for `address`, as a login would have made.
  std::string LogIn(const std::string& address) {
    auto id = access.OpenSession(address, 1000);
    REQUIRE(id);
    return *id;
  }
  web::PageAnswer Get(const std::string& path, const std::string& session,
                      std::multimap<std::string, std::string> query = {}) {
    web::PageInput input;
    input.method = "GET";
    input.path = path;
    input.fields = std::move(query);
    input.cookie_header = std::string(web::kSessionCookie) + "=" + session;
    input.now = 1000;
    return pages.Dispatch(input);
  }
  // A POST with the session's CSRF token (unless `fields` brings one).
  web::PageAnswer Post(const std::string& path, const std::string& session,
                       std::multimap<std::string, std::string> fields = {},
                       std::map<std::string, web::UploadedFile> files = {}) {
    web::PageInput input;
    input.method = "POST";
    input.path = path;
    if (!fields.count("csrf")) fields.emplace("csrf", tokens.CsrfFor(session));
    input.fields = std::move(fields);
    input.files = std::move(files);
    input.cookie_header = std::string(web::kSessionCookie) + "=" + session;
    input.now = 1000;
    return pages.Dispatch(input);
  }
};

std::string Demo(const std::string& page) { return std::string("/admin/lists/") + kDemo + page; }

}  // namespace

TEST_CASE("the overview shows a login only its own lists, a site admin all of them",
          "[web][admin]") {
  Fixture f;
  auto alice = f.Get("/admin", f.LogIn("alice@example.org"));
  REQUIRE(alice.status == 200);
  CHECK(alice.body.find(kDemo) != std::string::npos);
  CHECK(alice.body.find(kOther) == std::string::npos);
  auto root = f.Get("/admin", f.LogIn("root@example.org"));
  CHECK(root.body.find(kDemo) != std::string::npos);
  CHECK(root.body.find(kOther) != std::string::npos);
  // Its health: no key signs yet, one member disabled by bounces.
  CHECK(alice.body.find("no active key") != std::string::npos);
  CHECK(f.Get("/admin", "").status == 303);
}

TEST_CASE("a login for one list cannot open another list's admin pages", "[web][admin][security]") {
  Fixture f;
  const std::string carol = f.LogIn("carol@example.org");
  for (const char* page : {"/settings", "/signing", "/members", "/held", "/held/7", "/requests",
                           "/bans", "/events", "/members/export"}) {
    INFO(page);
    CHECK(f.Get(Demo(page), carol).status == 403);
  }
  CHECK(f.Post(Demo("/members/add"), carol, {{"address", "x@example.net"}}).status == 403);
  CHECK(f.Post(Demo("/held/7/approve"), carol).status == 403);
  CHECK(f.listd.writes == 0);
}

TEST_CASE("a moderator moderates but cannot change settings, keys or members",
          "[web][admin][security]") {
  Fixture f;
  const std::string bob = f.LogIn("bob@example.org");
  CHECK(f.Get(Demo("/members"), bob).status == 200);
  CHECK(f.Get(Demo("/held"), bob).status == 200);
  CHECK(f.Get(Demo("/settings"), bob).status == 403);
  CHECK(f.Get(Demo("/signing"), bob).status == 403);
  CHECK(f.Post(Demo("/settings"), bob, {{"value:posting_policy", "open"}}).status == 403);
  CHECK(f.Post(Demo("/signing/generate"), bob, {{"algorithm", "rsa"}}).status == 403);
  CHECK(f.Post(Demo("/members/remove"), bob, {{"address", "ann@example.net"}}).status == 403);
  CHECK(f.listd.writes == 0);
  // The members page offers him no forms that change members.
  CHECK(f.Get(Demo("/members"), bob).body.find("/members/remove") == std::string::npos);
  // But a held post is his to decide.
  CHECK(f.Post(Demo("/held/7/discard"), bob).status == 303);
  CHECK(f.listd.writes == 1);
}

TEST_CASE("admin forms without the session's CSRF token are refused", "[web][admin][security]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  CHECK(f.Post(Demo("/settings"), alice, {{"csrf", ""}, {"value:posting_policy", "open"}}).status ==
        403);
  CHECK(f.Post(Demo("/signing/generate"), alice,
               {{"csrf", f.tokens.CsrfFor("session-other")}, {"algorithm", "rsa"}})
            .status == 403);
  CHECK(f.Post(Demo("/held/7/approve"), alice, {{"csrf", "forged"}}).status == 403);
  CHECK(f.listd.writes == 0);
}

TEST_CASE("hostile list names, member names and held subjects come out escaped",
          "[web][admin][security]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  for (const std::string& page :
       {std::string("/admin"), Demo("/members"), Demo("/held"), Demo("/held/7")}) {
    INFO(page);
    auto answer = f.Get(page, alice);
    REQUIRE(answer.status == 200);
    CHECK(answer.body.find("<script>alert") == std::string::npos);
    CHECK(answer.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  }
}

TEST_CASE("a held post's HTML part is never shown, its text part only escaped",
          "[web][admin][security]") {
  Fixture f;
  auto answer = f.Get(Demo("/held/7"), f.LogIn("bob@example.org"));
  REQUIRE(answer.status == 200);
  CHECK(answer.body.find("<b>bold</b>") == std::string::npos);
  CHECK(answer.body.find("&lt;b&gt;bold&lt;/b&gt; text") != std::string::npos);
  CHECK(answer.body.find("text/html, 40 bytes") != std::string::npos);
  CHECK(answer.body.find("Not shown") != std::string::npos);
}

TEST_CASE("the key rollover: activation is refused until DNS shows the record (RFC 5863 3.5)",
          "[web][admin][keys]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  auto made = f.Post(Demo("/signing/generate"), alice, {{"algorithm", "rsa"}, {"selector", "s1"}});
  REQUIRE(made.status == 303);
  CHECK(made.location == Demo("/signing?done=generated&show=s1"));
  // The page shows the record to publish, with a copy button.
  auto page = f.Get(Demo("/signing"), alice, {{"show", "s1"}});
  REQUIRE(page.status == 200);
  CHECK(page.body.find("s1._domainkey.example.org. IN TXT") != std::string::npos);
  CHECK(page.body.find("data-copy=\"zone-0\"") != std::string::npos);
  // Not yet published: "check DNS now" says missing, and activation is refused.
  auto checked = f.Get(Demo("/signing"), alice, {{"check", "s1"}});
  CHECK(checked.body.find("data-result=\"missing\"") != std::string::npos);
  const int before = f.listd.writes;
  auto refused =
      f.Post(Demo("/signing/activate"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}});
  CHECK(refused.status == 409);
  CHECK(refused.body.find("the check says missing") != std::string::npos);
  CHECK(f.listd.writes == before);
  // A record with another key: still refused.
  f.listd.dns["s1._domainkey.example.org"] = "mismatch";
  CHECK(
      f.Post(Demo("/signing/activate"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}}).status ==
      409);
  // Published: the check matches and activation goes through.
  f.listd.dns["s1._domainkey.example.org"] = "match";
  CHECK(f.Get(Demo("/signing"), alice, {{"check", "s1"}}).body.find("data-result=\"match\"") !=
        std::string::npos);
  CHECK(
      f.Post(Demo("/signing/activate"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}}).status ==
      303);
  CHECK(f.listd.lists[kDemo].keys[0]["state"] == "active");
  // Rotate, retire the old one, remove it.
  CHECK(f.Post(Demo("/signing/rotate"), alice).status == 303);
  CHECK(f.listd.lists[kDemo].keys.size() == 2);
  CHECK(f.Post(Demo("/signing/remove"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}}).status ==
        409);  // it still signs
  CHECK(f.Post(Demo("/signing/retire"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}}).status ==
        303);
  CHECK(f.Post(Demo("/signing/remove"), alice, {{"selector", "s1"}, {"algorithm", "rsa"}}).status ==
        303);
  CHECK(f.listd.lists[kDemo].keys.size() == 1);
}

TEST_CASE("generating both algorithms makes two keys under two selectors (RFC 8463 6)",
          "[web][admin][keys]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  CHECK(
      f.Post(Demo("/signing/generate"), alice, {{"algorithm", "both"}, {"selector", "k"}}).status ==
      303);
  const auto& keys = f.listd.lists[kDemo].keys;
  REQUIRE(keys.size() == 2);
  CHECK(keys[0]["selector"] != keys[1]["selector"]);
  CHECK(keys[0]["algorithm"] != keys[1]["algorithm"]);
}

TEST_CASE("settings: saved in one POST, the catalogue's complaint beside its field",
          "[web][admin][settings]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  auto page = f.Get(Demo("/settings"), alice);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("what posting_policy does") != std::string::npos);
  CHECK(page.body.find("members-only") != std::string::npos);
  // Saving the page untouched changes nothing.
  CHECK(f.Post(Demo("/settings"), alice,
               {{"value:posting_policy", "members-only"}, {"value:max_size", "5242880"}})
            .status == 303);
  CHECK(f.listd.writes == 0);
  // One bad value: nothing saved, the complaint next to the field.
  auto refused = f.Post(Demo("/settings"), alice,
                        {{"value:posting_policy", "open"}, {"value:max_size", "huge"}});
  CHECK(refused.status == 400);
  CHECK(refused.body.find("id=\"error-setting-max_size\"") != std::string::npos);
  CHECK(refused.body.find("max_size must be a number") != std::string::npos);
  CHECK(f.listd.writes == 0);
  CHECK(f.listd.lists[kDemo].settings.count("posting_policy") == 0);
  // Good values: saved together.
  CHECK(
      f.Post(Demo("/settings"), alice, {{"value:posting_policy", "open"}, {"value:max_size", "10"}})
          .status == 303);
  CHECK(f.listd.lists[kDemo].settings["posting_policy"] == "open");
  CHECK(f.listd.lists[kDemo].settings["max_size"] == "10");
  // And back to the default.
  CHECK(f.Post(Demo("/settings"), alice, {{"reset:posting_policy", "1"}}).status == 303);
  CHECK(f.listd.lists[kDemo].settings.count("posting_policy") == 0);
}

TEST_CASE("members: search, add, change, remove, import with its report, export",
          "[web][admin][members]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  CHECK(f.Post(Demo("/members/add"), alice, {{"address", "zed@example.com"}}).status == 303);
  auto found = f.Get(Demo("/members"), alice, {{"contains", "zed"}});
  CHECK(found.body.find("zed@example.com") != std::string::npos);
  CHECK(found.body.find("ann@example.net") == std::string::npos);
  auto bounced = f.Get(Demo("/members"), alice, {{"delivery", "disabled-by-bounce"}});
  CHECK(bounced.body.find("ann@example.net") != std::string::npos);
  CHECK(bounced.body.find("zed@example.com") == std::string::npos);
  CHECK(f.Post(Demo("/members/change"), alice,
               {{"address", "zed@example.com"},
                {"role", "moderator"},
                {"has_moderated", "1"},
                {"moderated", "1"}})
            .status == 303);
  CHECK(f.listd.lists[kDemo].members[1]["role"] == "moderator");
  CHECK(f.listd.lists[kDemo].members[1]["moderated"] == true);
  // An address already there comes back on the page as a conflict.
  CHECK(f.Post(Demo("/members/add"), alice, {{"address", "zed@example.com"}}).status == 409);
  auto imported =
      f.Post(Demo("/members/import"), alice, {},
             {{"file", {"list.txt", "one@example.com\nnot-an-address\nzed@example.com\n"}}});
  REQUIRE(imported.status == 200);
  CHECK(imported.body.find("Added 1, already members 1, refused 1") != std::string::npos);
  CHECK(imported.body.find("line 2") != std::string::npos);
  auto exported = f.Get(Demo("/members/export"), alice);
  CHECK(exported.content_disposition.find("attachment") != std::string::npos);
  CHECK(exported.body.find("one@example.com\n") != std::string::npos);
  CHECK(f.Post(Demo("/members/remove"), alice, {{"address", "one@example.com"}}).status == 303);
  CHECK(f.Post(Demo("/members/remove"), alice, {{"address", "one@example.com"}}).status == 404);
}

TEST_CASE("members are shown a page at a time", "[web][admin][members]") {
  Fixture f;
  for (int i = 0; i < 120; ++i) {
    f.listd.lists[kDemo].members.push_back({{"address", "m" + std::to_string(1000 + i) + "@x.org"},
                                            {"role", "member"},
                                            {"delivery", "enabled"},
                                            {"bounce_score", 0},
                                            {"moderated", false}});
  }
  const std::string bob = f.LogIn("bob@example.org");
  auto first = f.Get(Demo("/members"), bob);
  CHECK(first.body.find("1–50 of 121") != std::string::npos);
  CHECK(first.body.find("start=50") != std::string::npos);
  auto last = f.Get(Demo("/members"), bob, {{"start", "100"}});
  CHECK(last.body.find("101–121 of 121") != std::string::npos);
}

TEST_CASE("held posts, requests and bans are decided by POST, each once",
          "[web][admin][moderation]") {
  Fixture f;
  const std::string alice = f.LogIn("alice@example.org");
  CHECK(f.Post(Demo("/held/7/reject"), alice, {{"reason", "off topic"}}).status == 303);
  CHECK(f.Post(Demo("/held/7/approve"), alice).status == 404);  // decided already
  CHECK(f.Post(Demo("/held/x/approve"), alice).status == 400);
  CHECK(f.Post(Demo("/requests/3/approve"), alice).status == 303);
  CHECK(f.listd.lists[kDemo].requests.empty());
  CHECK(f.Post(Demo("/bans/add"), alice, {{"pattern", "*@spam.example"}, {"reason", "spam"}})
            .status == 303);
  CHECK(f.Get(Demo("/bans"), alice).body.find("*@spam.example") != std::string::npos);
  CHECK(f.Post(Demo("/bans/add"), alice, {{"pattern", "nonsense"}}).status == 400);
  CHECK(f.Post(Demo("/bans/remove"), alice, {{"pattern", "*@spam.example"}}).status == 303);
  CHECK(f.Get(Demo("/events"), alice).body.find("list.create") != std::string::npos);
}

TEST_CASE("no admin GET changes anything, a live DNS check included", "[web][admin][security]") {
  Fixture f;
  f.listd.lists[kDemo].keys.push_back({{"selector", "s9"},
                                       {"algorithm", "ed25519"},
                                       {"bits", 256},
                                       {"state", "generated"},
                                       {"record_name", "s9._domainkey.example.org"}});
  f.listd.dns["s9._domainkey.example.org"] = "match";
  const std::string root = f.LogIn("root@example.org");
  int pages = 0;
  for (const web::PageRoute& route : f.pages.Routes()) {
    if (route.method != "GET") continue;
    std::string path = route.pattern;
    auto replace = [&path](const std::string& from, const std::string& to) {
      size_t at = path.find(from);
      if (at != std::string::npos) path.replace(at, from.size(), to);
    };
    replace("{list}", kDemo);
    replace("{id}", "7");
    INFO(path);
    auto answer = f.Get(path, root, {{"check", "s9"}, {"done", "saved"}});
    CHECK(answer.status < 400);
    ++pages;
  }
  CHECK(pages >= 9);
  CHECK(f.listd.dns_lookups >= 1);
  CHECK(f.listd.writes == 0);
  CHECK(f.listd.lists[kDemo].keys[0]["state"] == "generated");
  CHECK(f.listd.lists[kDemo].held.size() == 1);
}

TEST_CASE("a notice comes from a fixed table, never from the link", "[web][admin][security]") {
  Fixture f;
  auto answer = f.Get(Demo("/members"), f.LogIn("alice@example.org"), {{"done", kHostile}});
  CHECK(answer.status == 200);
  CHECK(answer.body.find("id=\"notice\"") == std::string::npos);
  CHECK(answer.body.find("<script>alert") == std::string::npos);
}
