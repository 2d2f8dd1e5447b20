// RoutePattern: a named segment is one whole non-empty segment, literals
// compare exactly, and a hostile path (a megabyte in one segment, or
// hundreds of thousands of segments) is answered without deep recursion.
#include "web/route_pattern.h"

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("a route pattern names whole segments and compares literals exactly", "[web][routes]") {
  web::RoutePattern pattern("/lists/{list}/members/{address}");
  auto found = pattern.Match("/lists/demo@example.org/members/a@example.net");
  REQUIRE(found.has_value());
  CHECK(found->at("list") == "demo@example.org");
  CHECK(found->at("address") == "a@example.net");
  CHECK_FALSE(pattern.Match("/lists/demo@example.org/members/").has_value());
  CHECK_FALSE(pattern.Match("/lists//members/a@example.net").has_value());
  CHECK_FALSE(pattern.Match("/lists/demo/members/a/b").has_value());
  CHECK_FALSE(pattern.Match("/lists/demo/members/a/").has_value());
  CHECK_FALSE(pattern.Match("/Lists/demo/members/a").has_value());
  CHECK_FALSE(pattern.Match("lists/demo/members/a").has_value());
  // Characters a regular expression would treat specially are plain here.
  web::RoutePattern dotted("/api/v1/openapi.json");
  CHECK(dotted.Match("/api/v1/openapi.json").has_value());
  CHECK_FALSE(dotted.Match("/api/v1/openapiXjson").has_value());
  web::RoutePattern root("/");
  CHECK(root.Match("/").has_value());
  CHECK_FALSE(root.Match("").has_value());
  CHECK_FALSE(root.Match("//").has_value());
}

TEST_CASE("a route pattern answers a hostile path without deep recursion", "[web][routes]") {
  web::RoutePattern pattern("/lists/{list}");
  // libstdc++'s std::regex recursed once per character of such a segment.
  const std::string long_segment = "/lists/" + std::string(1 << 20, 'a');
  auto found = pattern.Match(long_segment);
  REQUIRE(found.has_value());
  CHECK(found->at("list").size() == (1u << 20));
  std::string many_segments;
  for (int i = 0; i < 300000; ++i) many_segments += "/a";
  CHECK_FALSE(pattern.Match(many_segments).has_value());
}
