// ListContext: what the pipeline loads once per post from a real store:
// the settings in force (stored values over the catalogue's defaults), the
// list's role addresses (RFC 2369) and List-Id label (RFC 2919 section 2),
// and only the active keys that signing.algorithms chooses (RFC 8463
// section 6: RSA and Ed25519 side by side), opened and able to sign.
#include <catch2/catch.hpp>
#include <string>

#include "listd/service/list_service.h"
#include "listd/settings/catalogue.h"
#include "listd/pipeline/list_context.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::pipeline::ListContext;
using listd::pipeline::LoadListContext;
using namespace pipeline_test;

std::vector<std::string> Selectors(const ListContext& list) {
  std::vector<std::string> out;
  for (const auto& key : list.keys) out.push_back(key.selector);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("list_context: every catalogued setting is in force, defaults where none is stored",
          "[list_context]") {
  ListFixture f;
  const ListContext list = f.Context();
  CHECK(list.list.id == f.list.id);
  CHECK(list.settings.size() == listd::SettingsCatalogue().size());
  CHECK(list.Setting("subject_tag") == "[demo]");  // "[" + local part + "]"
  CHECK(list.Setting("reply_to") == "none");
  CHECK(list.Setting("footer_template") == "footer.mustache");
  CHECK(list.Setting("signing.algorithms") == "both");
  CHECK(list.Setting("signing.domain") == "lists.example.org");  // the list's own domain
  CHECK(list.Setting("signing.oversign") == "From:Subject");
  CHECK(list.Setting("signing.expire") == "0");
  CHECK(list.Setting("remove_dkim_signatures") == "off");
  CHECK(list.Setting("no.such.setting").empty());
}

TEST_CASE("list_context: stored values override the defaults; reset returns to them",
          "[list_context]") {
  ListFixture f;
  f.Set({{"subject_tag", "[Demo!]"},
         {"signing.domain", "Example.ORG"},
         {"signing.expire", "2h"},
         {"reply_to", "list"}});
  ListContext list = f.Context();
  CHECK(list.Setting("subject_tag") == "[Demo!]");
  CHECK(list.Setting("signing.domain") == "example.org");  // stored normalised
  CHECK(list.Setting("signing.expire") == "7200");
  CHECK(list.Setting("reply_to") == "list");
  CHECK(list.Setting("posting_policy") == "members-only");  // untouched: default

  listd::ListService lists(*f.store, "test");
  REQUIRE(lists.Set(kListAddress, {}, {"subject_tag"}, kNow).ok());
  CHECK(f.Context().Setting("subject_tag") == "[demo]");
  // The context already loaded is a snapshot.
  CHECK(list.Setting("subject_tag") == "[Demo!]");
}

TEST_CASE("list_context: RFC 2369 role addresses and the RFC 2919 section 2 List-Id label",
          "[list_context]") {
  ListFixture f;
  const ListContext list = f.Context();
  CHECK(list.Address() == "demo@lists.example.org");
  CHECK(list.RoleAddress("bounces") == "demo-bounces@lists.example.org");
  CHECK(list.RoleAddress("request") == "demo-request@lists.example.org");
  CHECK(list.ListIdLabel() == "demo.lists.example.org");
  CHECK(list.list.address.display_name == "Demo");
}

TEST_CASE("list_context: only active keys are loaded; generated and retired ones are not",
          "[list_context]") {
  ListFixture f;
  auto spare = dkim::PrivateKey::Generate(dkim::KeyType::kEd25519);
  REQUIRE(spare.ok());
  const storage::KeyRecord rsa = f.AddKey(RsaKey(), "rsa-active");
  const storage::KeyRecord ed = f.AddKey(EdKey(), "ed-active");
  f.AddKey(*spare, "ed-waiting", KeyState::kGenerated);
  auto old = dkim::PrivateKey::Generate(dkim::KeyType::kEd25519);
  REQUIRE(old.ok());
  f.AddKey(*old, "ed-retired", KeyState::kRetired);

  const ListContext list = f.Context();
  CHECK(Selectors(list) == std::vector<std::string>{"ed-active", "rsa-active"});
  for (const auto& key : list.keys) {
    // Opened from the sealed form: the very key whose public half is stored.
    const storage::KeyRecord& stored = key.algorithm == "rsa" ? rsa : ed;
    INFO(key.selector);
    CHECK(key.selector == stored.selector);
    CHECK(key.key.PublicKeyBase64() == stored.public_key);
    CHECK(key.key.type() ==
          (key.algorithm == "rsa" ? dkim::KeyType::kRsa : dkim::KeyType::kEd25519));
  }
}

TEST_CASE("list_context: RFC 8463 section 6, signing.algorithms chooses among the active keys",
          "[list_context]") {
  ListFixture f;
  f.AddKey(RsaKey(), "r");
  f.AddKey(EdKey(), "e");
  CHECK(Selectors(f.Context()) == std::vector<std::string>{"e", "r"});
  f.Set({{"signing.algorithms", "rsa"}});
  CHECK(Selectors(f.Context()) == std::vector<std::string>{"r"});
  f.Set({{"signing.algorithms", "ed25519"}});
  CHECK(Selectors(f.Context()) == std::vector<std::string>{"e"});
}

TEST_CASE("list_context: a list that does not exist is an error", "[list_context]") {
  ListFixture f;
  auto missing = LoadListContext(*f.store, f.list.id + 1000);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::Contains(std::to_string(f.list.id + 1000)));
}

}  // namespace
