#include "tests/support/list_fixture.h"

#include <catch2/catch.hpp>
#include <optional>

#include "listd/service/key_service.h"
#include "listd/service/list_service.h"
#include "listd/service/member_service.h"
#include "tests/support/test_mail.h"

namespace pipeline_test {

ListFixture::ListFixture() {
  storage::StoreOptions options;
  options.db_path = dir.File("listd.db");
  auto opened = storage::Store::Open(options);
  REQUIRE(opened.ok());
  store = std::move(*opened);
  listd::service::ListService lists(*store, "test");
  auto created = lists.CreateList(kListAddress, "Demo", std::nullopt, kNow);
  REQUIRE(created.ok());
  list = *created;
}

void ListFixture::Set(const std::vector<std::pair<std::string, std::string>>& assignments) {
  listd::service::ListService lists(*store, "test");
  auto set = lists.Set(kListAddress, assignments, {}, kNow);
  INFO((set.ok() ? std::string() : set.error()));
  REQUIRE(set.ok());
}

storage::KeyRecord ListFixture::AddKey(const dkim::PrivateKey& key, const std::string& selector,
                                       KeyState state) {
  listd::service::KeyService keys(*store, "test");
  auto imported = keys.Import(kListAddress, selector, key.ToPem().view(), kNow);
  INFO((imported.ok() ? std::string() : imported.error()));
  REQUIRE(imported.ok());
  storage::KeyRecord record = imported->key;
  if (state == KeyState::kGenerated) return record;
  // Forced: these tests have no DNS to check the record against.
  auto activated = keys.Activate(kListAddress, {selector, record.algorithm}, nullptr, true, kNow);
  REQUIRE(activated.ok());
  REQUIRE(activated->activated);
  record = activated->key;
  if (state == KeyState::kActive) return record;
  auto retired = keys.Retire(kListAddress, {selector, record.algorithm}, kNow);
  REQUIRE(retired.ok());
  return retired->key;
}

void ListFixture::AddMembers(const std::vector<std::string>& addresses) {
  listd::service::MemberService members(*store, "test");
  auto added = members.AddMembers(kListAddress, addresses, storage::MemberRole::kMember, kNow);
  REQUIRE(added.ok());
}

int64_t ListFixture::SpoolPost(int64_t received_at, const std::string& message) {
  storage::SpooledPost post;
  post.list_id = list.id;
  post.envelope_from = "jane@example.org";
  post.recipient = kListAddress;
  post.message = message;
  post.received_at = received_at;
  auto id = store->spool().Add(post);
  REQUIRE(id.ok());
  return *id;
}

listd::pipeline::ListContext ListFixture::Context() {
  auto context = listd::pipeline::LoadListContext(*store, list.id);
  INFO((context.ok() ? std::string() : context.error()));
  REQUIRE(context.ok());
  return std::move(*context);
}

std::string KeyRecordText(const storage::KeyRecord& key) {
  return "v=DKIM1; k=" + std::string(storage::ToString(key.algorithm)) + "; p=" + key.public_key;
}

}  // namespace pipeline_test
