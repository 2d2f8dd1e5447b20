// PageRoutes and LoginPages: forms that did not come from this site are
// refused before any handler runs, public forms carry timed tokens, and a
// login makes a new session (issue 13, "Admin pages" and "Security, as
// tests").
#include "web/page_routes.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "tests/web/table_access.h"
#include "web/login_pages.h"

namespace {

using web::FormCheck;
using web::PageAccess;
using web::PageReply;
using web::PageRequest;

struct Fixture {
  web_test::TableAccess access;
  web::FormTokens tokens{std::string(32, 'k')};
  web::PageRoutes pages{access, tokens};
  std::unique_ptr<web::PageRenderer> renderer;
  web::LoginPages login{access};
  int writes = 0;

  Fixture() {
    auto loaded = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
    REQUIRE(loaded);
    renderer = std::move(*loaded);
    pages.SetRenderer(renderer.get());
    pages.SetBaseUrl("http://127.0.0.1:8080");
    web::Principal alice;
    alice.actor = "web:alice@example.org";
    alice.user = "alice@example.org";
    alice.roles["demo@example.org"] = web::ListRole::kOwner;
    access.users["alice@example.org"] = alice;
    access.passwords["alice@example.org"] = "correct horse battery";
    login.Install(pages);
    pages.Add("POST", "/lists/{list}/change", PageAccess::kListOwner,
              [this](const PageRequest&) -> base::Result<PageReply> {
                ++writes;
                return PageReply::Redirect("/done");
              });
    pages.Add(
        "GET", "/lists/{list}", PageAccess::kListModerator,
        [](const PageRequest& request) -> base::Result<PageReply> {
          return PageReply::Render("error", {{"error", {{"message", request.path.at("list")}}}});
        });
    pages.Add(
        "POST", "/subscribe", PageAccess::kPublic,
        [this](const PageRequest&) -> base::Result<PageReply> {
          ++writes;
          return PageReply::Redirect("/thanks");
        },
        FormCheck::Timed("subscribe", 3));
  }

  web::PageAnswer Post(const std::string& path, std::multimap<std::string, std::string> fields,
                       const std::string& cookies, int64_t now = 1000) {
    web::PageInput input;
    input.method = "POST";
    input.path = path;
    input.fields = std::move(fields);
    input.cookie_header = cookies;
    input.client = "127.0.0.1";
    input.now = now;
    return pages.Dispatch(input);
  }
  web::PageAnswer Get(const std::string& path, const std::string& cookies, int64_t now = 1000) {
    web::PageInput input;
    input.method = "GET";
    input.path = path;
    input.cookie_header = cookies;
    input.client = "127.0.0.1";
    input.now = now;
    return pages.Dispatch(input);
  }
  // Logs alice in through the real login form; returns her session id.
  std::string LogIn() {
    const std::string binding = "binding-1";
    auto answer = Post("/login",
                       {{"address", "alice@example.org"},
                        {"password", "correct horse battery"},
                        {"form_token", tokens.Timed("login", binding, 1000)}},
                       std::string(web::kBindingCookie) + "=" + binding);
    REQUIRE(answer.status == 303);
    for (const std::string& cookie : answer.set_cookies) {
      if (cookie.rfind(std::string(web::kSessionCookie) + "=", 0) == 0) {
        return cookie.substr(std::strlen(web::kSessionCookie) + 1,
                             cookie.find(';') - std::strlen(web::kSessionCookie) - 1);
      }
    }
    FAIL("no session cookie");
    return "";
  }
};

std::string SessionCookie(const std::string& id) {
  return std::string(web::kSessionCookie) + "=" + id;
}

}  // namespace

TEST_CASE("a logged-in form without its CSRF token, or with another session's, is 403",
          "[web][pages][security]") {
  Fixture f;
  std::string session = f.LogIn();
  CHECK(f.Post("/lists/demo@example.org/change", {}, SessionCookie(session)).status == 403);
  CHECK(f.Post("/lists/demo@example.org/change", {{"csrf", f.tokens.CsrfFor("session-99")}},
               SessionCookie(session))
            .status == 403);
  CHECK(f.writes == 0);
  CHECK(f.Post("/lists/demo@example.org/change", {{"csrf", f.tokens.CsrfFor(session)}},
               SessionCookie(session))
            .status == 303);
  CHECK(f.writes == 1);
}

TEST_CASE("a public form POST must declare how it is checked", "[web][pages][security]") {
  Fixture f;
  CHECK_THROWS_AS(f.pages.Add("POST", "/unchecked", PageAccess::kPublic,
                              [](const PageRequest&) -> base::Result<PageReply> {
                                return PageReply::Redirect("/");
                              }),
                  std::logic_error);
}

TEST_CASE("a timed form token is refused too early, too late, forged or unbound",
          "[web][pages][security]") {
  Fixture f;
  const std::string cookies = std::string(web::kBindingCookie) + "=b1";
  const std::string token = f.tokens.Timed("subscribe", "b1", 1000);
  CHECK(f.Post("/subscribe", {{"form_token", token}}, cookies, 1001).status == 403);  // 1 s
  CHECK(f.Post("/subscribe", {{"form_token", token}}, cookies, 1000 + 3601).status == 403);
  CHECK(f.Post("/subscribe", {{"form_token", token + "x"}}, cookies, 1010).status == 403);
  CHECK(
      f.Post("/subscribe", {{"form_token", token}}, std::string(web::kBindingCookie) + "=b2", 1010)
          .status == 403);
  CHECK(f.Post("/subscribe", {{"form_token", f.tokens.Timed("login", "b1", 1000)}}, cookies, 1010)
            .status == 403);
  CHECK(f.writes == 0);
  CHECK(f.Post("/subscribe", {{"form_token", token}}, cookies, 1010).status == 303);
  CHECK(f.writes == 1);
}

TEST_CASE("a page behind a login redirects a stranger to the login form", "[web][pages]") {
  Fixture f;
  auto answer = f.Get("/lists/demo@example.org", "");
  CHECK(answer.status == 303);
  CHECK(answer.location == "/login?next=/lists/demo%40example.org");
}

TEST_CASE("an owner's login does not open another list's pages", "[web][pages][security]") {
  Fixture f;
  std::string session = f.LogIn();
  CHECK(f.Get("/lists/demo@example.org", SessionCookie(session)).status == 200);
  CHECK(f.Get("/lists/other@example.org", SessionCookie(session)).status == 403);
}

TEST_CASE("a login makes a new session id and the id held before it is not valid after",
          "[web][pages][security]") {
  Fixture f;
  // The browser's pre-login cookie, even presented as a session, is none.
  const std::string before = "binding-1";
  std::string session = f.LogIn();
  CHECK(session != before);
  CHECK(f.Get("/lists/demo@example.org", SessionCookie(before)).status == 303);
  CHECK(f.Get("/lists/demo@example.org", SessionCookie(session)).status == 200);
  // Logging out ends it.
  CHECK(f.Post("/logout", {{"csrf", f.tokens.CsrfFor(session)}}, SessionCookie(session)).status ==
        303);
  CHECK(f.Get("/lists/demo@example.org", SessionCookie(session)).status == 303);
}

TEST_CASE("the 11th wrong password in a minute is refused without being checked",
          "[web][pages][security]") {
  Fixture f;
  const std::string cookies = std::string(web::kBindingCookie) + "=b";
  auto attempt = [&](const std::string& password, int64_t now) {
    return f.Post("/login",
                  {{"address", "alice@example.org"},
                   {"password", password},
                   {"form_token", f.tokens.Timed("login", "b", now)}},
                  cookies, now);
  };
  for (int i = 0; i < 10; ++i) CHECK(attempt("wrong", 1000 + i).status == 403);
  CHECK(f.access.password_checks == 10);
  // Even the right password is refused now, and is not checked.
  auto refused = attempt("correct horse battery", 1011);
  CHECK(refused.status == 429);
  CHECK(f.access.password_checks == 10);
  // A minute after the first wrong one, the account may try again.
  CHECK(attempt("correct horse battery", 1000 + 61).status == 303);
}

TEST_CASE("the login's next is followed only within the site", "[web][pages][security]") {
  CHECK(web::IsLocalPath("/lists/demo%40example.org"));
  CHECK_FALSE(web::IsLocalPath("//evil.example/"));
  CHECK_FALSE(web::IsLocalPath("https://evil.example/"));
  CHECK_FALSE(web::IsLocalPath("/\\evil.example"));
  CHECK_FALSE(web::IsLocalPath(""));
}
