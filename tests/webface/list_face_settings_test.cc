// ListFace's settings form over a real store: the catalogue with each
// setting's type, choices, default and value, and the catalogue's own
// validation run without changing anything (issue 13, "List settings:
// every setting of the catalogue with its help text and validation").
#include <catch2/catch.hpp>

#include "listd/webface/list_face.h"
#include "tests/support/list_fixture.h"

namespace {

using nlohmann::json;

const json* Entry(const json& catalogue, const std::string& name) {
  for (const json& entry : catalogue) {
    if (entry["name"] == name) return &entry;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the settings catalogue shows each setting's help, type, choices, default and value",
          "[webface][settings]") {
  pipeline_test::ListFixture fixture;
  fixture.Set({{"posting_policy", "open"}});
  listd::webface::SharedStore store(std::move(fixture.store));
  listd::webface::ListFace lists(store);
  auto catalogue = lists.SettingsCatalogue(pipeline_test::kListAddress);
  REQUIRE(catalogue);
  REQUIRE(catalogue->is_array());
  CHECK((*catalogue)[0]["name"] == "subject_tag");  // the catalogue's own order
  const json* policy = Entry(*catalogue, "posting_policy");
  REQUIRE(policy);
  CHECK((*policy)["type"] == "enum");
  CHECK((*policy)["value"] == "open");
  CHECK((*policy)["is_default"] == false);
  CHECK((*policy)["choices"].size() >= 3);
  CHECK(!(*policy)["description"].get<std::string>().empty());
  const json* domain = Entry(*catalogue, "signing.domain");
  REQUIRE(domain);
  // signing.domain's default is made from the list's own address.
  CHECK((*domain)["default_value"] == "lists.example.org");
  CHECK((*domain)["is_default"] == true);
  CHECK((*domain)["choices"].empty());
  CHECK(!lists.SettingsCatalogue("nobody@lists.example.org"));
}

TEST_CASE("checking settings names each refused value and changes nothing", "[webface][settings]") {
  pipeline_test::ListFixture fixture;
  listd::webface::SharedStore store(std::move(fixture.store));
  listd::webface::ListFace lists(store);
  auto refused = lists.CheckSettings(
      {{"posting_policy", "closed"}, {"max_size", "5M"}, {"signing.expire", "soon"}});
  REQUIRE(refused);
  CHECK(refused->size() == 2);
  CHECK((*refused)["posting_policy"].get<std::string>().find("posting_policy") !=
        std::string::npos);
  CHECK(refused->contains("signing.expire"));
  CHECK_FALSE(refused->contains("max_size"));
  auto settings = lists.Settings(pipeline_test::kListAddress);
  REQUIRE(settings);
  CHECK((*settings)["posting_policy"]["default"] == true);
  CHECK((*settings)["max_size"]["default"] == true);
}
