// web/openapi.json against the routes the server has (issue 13: "an
// OpenAPI 3 document that matches what the server does"): every route of
// the table is documented with its method and its access, every documented
// operation is a route, and the document says how errors and tokens look.
#include <catch2/catch.hpp>
#include <set>

#include "tests/web/fake_operations.h"
#include "tests/web/table_access.h"
#include "web/api_resources.h"
#include "web/openapi.h"

namespace {

using web::Json;

std::string AccessName(web::Access access) {
  switch (access) {
    case web::Access::kPublic:
      return "public";
    case web::Access::kAnyone:
      return "anyone";
    case web::Access::kSite:
      return "site";
    case web::Access::kListModerator:
      return "list-moderator";
    case web::Access::kListOwner:
      return "list-owner";
  }
  return "?";
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

struct AllRoutes {
  web_test::TableAccess access;
  web_test::FakeOperations ops;
  web::ApiRoutes routes{access};
  AllRoutes() {
    web::AddListRoutes(routes, ops);
    web::AddMemberRoutes(routes, ops);
    web::AddKeyRoutes(routes, ops);
    web::AddModerationRoutes(routes, ops);
    web::AddBanRoutes(routes, ops);
    web::AddReportRoutes(routes, ops);
  }
};

const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete"};

}  // namespace

TEST_CASE("every API route is in the OpenAPI document with its method and access",
          "[web][openapi]") {
  const Json document = Json::parse(web::OpenApiDocument());
  AllRoutes all;
  REQUIRE(all.routes.Routes().size() > 30);
  for (const web::ApiRoute& route : all.routes.Routes()) {
    CAPTURE(route.method, route.pattern);
    REQUIRE(document["paths"].contains(route.pattern));
    const Json& path = document["paths"][route.pattern];
    REQUIRE(path.contains(Lower(route.method)));
    REQUIRE(path[Lower(route.method)]["x-listd-access"] == AccessName(route.access));
  }
}

TEST_CASE("every operation the OpenAPI document describes is a route", "[web][openapi]") {
  const Json document = Json::parse(web::OpenApiDocument());
  AllRoutes all;
  std::set<std::pair<std::string, std::string>> routes;
  for (const web::ApiRoute& route : all.routes.Routes()) {
    routes.insert({Lower(route.method), route.pattern});
  }
  size_t documented = 0;
  for (const auto& [path, item] : document["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      CAPTURE(method, path);
      ++documented;
      // The document itself is served by web::Server, outside the table.
      if (path == "/openapi.json") continue;
      REQUIRE(routes.count({method, path}) == 1);
      // Each path parameter of the pattern is described.
      std::set<std::string> named;
      for (const Json& parameter : operation.value("parameters", Json::array())) {
        if (parameter["in"] == "path") named.insert(parameter["name"].get<std::string>());
      }
      for (size_t at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
        REQUIRE(named.count(path.substr(at + 1, path.find('}', at) - at - 1)) == 1);
      }
    }
  }
  REQUIRE(documented == routes.size() + 1);
}

TEST_CASE("the OpenAPI document says bearer tokens and the one error shape", "[web][openapi]") {
  const Json document = Json::parse(web::OpenApiDocument());
  REQUIRE(document["openapi"].get<std::string>().rfind("3.", 0) == 0);
  REQUIRE(document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
  REQUIRE(document["security"][0].contains("bearer"));
  const Json& error = document["components"]["schemas"]["Error"];
  REQUIRE(error["properties"]["error"]["required"] == Json::array({"kind", "message"}));
  REQUIRE(error["properties"]["error"]["properties"]["kind"]["enum"].size() == 6);
  REQUIRE(document["paths"]["/openapi.json"]["get"]["security"] == Json::array());
}
