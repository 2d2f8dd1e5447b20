// PageRenderer over the real templates/web: every value is escaped, and no
// template opts out of escaping (issue 13: "HTML is always escaped").
#include "web/page_renderer.h"

#include <dirent.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

TEST_CASE("values reach the page escaped, markup never live", "[web][pages][security]") {
  auto renderer = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
  REQUIRE(renderer);
  const std::string payload = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
  auto html = (*renderer)->Render(
      "error", {{"title", payload}, {"error", {{"kind", payload}, {"message", payload}}}});
  REQUIRE(html);
  CHECK(html->find("<script>alert") == std::string::npos);
  CHECK(html->find("<img src=x") == std::string::npos);
  CHECK(html->find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;") != std::string::npos);
}

TEST_CASE("no page template turns escaping off", "[web][pages][security]") {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(LISTD_WEB_TEMPLATES), ::closedir);
  REQUIRE(dir);
  int templates = 0;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.size() < 9 || name.substr(name.size() - 9) != ".mustache") continue;
    ++templates;
    std::ifstream file(std::string(LISTD_WEB_TEMPLATES) + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    INFO(name);
    CHECK(text.str().find("{{{") == std::string::npos);
    CHECK(text.str().find("{{&") == std::string::npos);
    // Nor does any page carry inline script or style, which the
    // Content-Security-Policy would block anyway.
    CHECK(text.str().find("<script>") == std::string::npos);
    CHECK(text.str().find("style=") == std::string::npos);
    CHECK_FALSE(std::regex_search(text.str(), std::regex(R"(\son[a-z]+\s*=)")));
  }
  CHECK(templates >= 3);
}

TEST_CASE("a page with no template is an error, not an empty page", "[web][pages]") {
  auto renderer = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
  REQUIRE(renderer);
  CHECK_FALSE((*renderer)->Render("no-such-page", {}));
}
