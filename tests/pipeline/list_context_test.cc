// ListContext: what the pipeline loads once per post from a real store:
// the settings in force (stored values over the catalogue's defaults), the
// list's role addresses (RFC 2369) and List-Id label (RFC 2919 section 2),
// and only the active keys that signing.algorithms chooses (RFC 8463
// section 6: RSA and Ed25519 side by side), opened and able to sign.
#include <catch2/catch.hpp>
#include <string>

#include "listd/pipeline/list_context.h"
#include "listd/service/list_service.h"
#include "listd/settings/list_settings.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::pipeline::ListContext;
using listd::pipeline::LoadListContext;
using listd::settings::ReplyTo;
using listd::settings::SettingId;
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
  CHECK(list.settings.All().size() == listd::settings::kSettingCount);
  for (const auto& setting : list.settings.All()) CHECK(setting.is_default);
  CHECK(list.settings.subject_tag() == "[demo]");  // "[" + local part + "]"
  CHECK(list.settings.reply_to() == ReplyTo::kNone);
  CHECK(list.settings.footer_template() == "footer.mustache");
  CHECK(list.settings.signing_algorithms() == listd::settings::SigningAlgorithms::kBoth);
  CHECK(list.settings.signing_domain() == "lists.example.org");  // the list's own domain
  CHECK(list.settings.oversigned_headers() == std::vector<std::string>{"From", "Subject"});
  CHECK(list.settings.signature_lifetime() == 0);
  CHECK_FALSE(list.settings.remove_dkim_signatures());
}

TEST_CASE("list_context: stored values override the defaults, reset returns to them",
          "[list_context]") {
  ListFixture f;
  f.Set({{"subject_tag", "[Demo!]"},
         {"signing.domain", "Example.ORG"},
         {"signing.expire", "2h"},
         {"reply_to", "list"}});
  ListContext list = f.Context();
  CHECK(list.settings.subject_tag() == "[Demo!]");
  CHECK_FALSE(list.settings.IsDefault(SettingId::kSubjectTag));
  CHECK(list.settings.signing_domain() == "example.org");  // stored normalised
  CHECK(list.settings.Text(SettingId::kSigningExpire) == "7200");
  CHECK(list.settings.signature_lifetime() == 7200);
  CHECK(list.settings.reply_to() == ReplyTo::kList);
  // untouched: default
  CHECK(list.settings.posting_policy() == listd::settings::PostingPolicy::kMembersOnly);
  CHECK(list.settings.IsDefault(SettingId::kPostingPolicy));

  listd::service::ListService lists(*f.store, "test");
  REQUIRE(lists.Set(kListAddress, {}, {"subject_tag"}, kNow).ok());
  CHECK(f.Context().settings.subject_tag() == "[demo]");
  // The context already loaded is a snapshot.
  CHECK(list.settings.subject_tag() == "[Demo!]");
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

TEST_CASE("list_context: only active keys are loaded, generated and retired ones are not",
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
    const storage::KeyRecord& stored = key.algorithm == storage::KeyAlgorithm::kRsa ? rsa : ed;
    INFO(key.selector);
    CHECK(key.selector == stored.selector);
    CHECK(key.key.PublicKeyBase64() == stored.public_key);
    CHECK(key.key.type() == (key.algorithm == storage::KeyAlgorithm::kRsa
                                 ? dkim::KeyType::kRsa
                                 : dkim::KeyType::kEd25519));
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
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
  CHECK_THAT(missing.error(), Catch::Contains(std::to_string(f.list.id + 1000)));
}

}  // namespace
