// KeyRepository on a real SQLite file: the rollover states of RFC 6376
// section 3.1 / RFC 5863 section 3.5 (generated -> active -> retired ->
// removed), several active keys at once, the sealed private key's round
// trip, and the binding of a sealed key to its row.
#include "storage/key_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/master_key.h"
#include "tests/support/temp_dir.h"

namespace {

using base::Status;
using storage::KeyAlgorithm;
using storage::KeyRecord;
using storage::KeyRepository;
using storage::KeyState;

// Not a real key: the repository stores whatever PEM it is given.
constexpr const char* kPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIBhTQ3Lr0Nxz2UuGMOw1MCvzjEH+hXv+CYzJSRRQbt1g\n"
    "-----END PRIVATE KEY-----\n";

struct KeyFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::MasterKey> master;
  int64_t list_id = 0;
  int64_t other_list_id = 0;
  KeyFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    auto key = storage::MasterKey::LoadOrCreate(dir.File("listd.db.key"));
    REQUIRE(key.ok());
    master = std::make_unique<storage::MasterKey>(std::move(key).value());
    storage::ListRepository lists(*db);
    list_id = lists.Create(*base::EmailAddress::Parse("discuss@example.org"), 1)->id;
    other_list_id = lists.Create(*base::EmailAddress::Parse("other@example.org"), 1)->id;
  }
};

}  // namespace

TEST_CASE("key state spellings round-trip", "[storage][keys]") {
  for (KeyState state : {KeyState::kGenerated, KeyState::kActive, KeyState::kRetired}) {
    CHECK(storage::ParseKeyState(storage::ToString(state)) == state);
  }
  CHECK_FALSE(storage::ParseKeyState("published").has_value());
}

TEST_CASE("RFC 6376 3.1: a key is stored under its selector in state generated",
          "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  auto added =
      keys.Add(f.list_id, "s2026-11", KeyAlgorithm::kEd25519, 256, "MCowBQYDK2VwAyEA", kPem, 100);
  REQUIRE(added.ok());
  CHECK(added->id > 0);
  CHECK(added->state == KeyState::kGenerated);
  CHECK(added->created_at == 100);
  CHECK_FALSE(added->activated_at.has_value());

  auto listed = keys.ForList(f.list_id);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const KeyRecord& key = listed->front();
  CHECK(key.id == added->id);
  CHECK(key.list_id == f.list_id);
  CHECK(key.selector == "s2026-11");
  CHECK(key.algorithm == KeyAlgorithm::kEd25519);
  CHECK(key.bits == 256);
  CHECK(key.public_key == "MCowBQYDK2VwAyEA");
  CHECK(key.state == KeyState::kGenerated);
  CHECK(key.created_at == 100);
  CHECK_FALSE(key.retired_at.has_value());

  CHECK(keys.ForList(f.other_list_id)->empty());
  CHECK(keys.Active(f.list_id)->empty());
}

TEST_CASE("a selector holds one key per algorithm", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  REQUIRE(keys.Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "RSA-P", kPem, 1).ok());
  auto again = keys.Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "RSA-P2", kPem, 2);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() ==
        "list " + std::to_string(f.list_id) + " already has an rsa key with selector 's1'");
  // The schema allows another algorithm under the same selector (doctor
  // warns about it), and the same selector on another list.
  CHECK(keys.Add(f.list_id, "s1", KeyAlgorithm::kEd25519, 256, "ED-P", kPem, 3).ok());
  CHECK(keys.Add(f.other_list_id, "s1", KeyAlgorithm::kRsa, 2048, "RSA-P", kPem, 4).ok());
}

TEST_CASE("bad selectors and empty keys are refused, as kind invalid", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  for (const char* selector : {"", "a..b", ".a", "a.", "s 1", "s\n1", "s;1"}) {
    INFO(selector);
    auto added = keys.Add(f.list_id, selector, KeyAlgorithm::kRsa, 2048, "P", kPem, 1);
    REQUIRE_FALSE(added.ok());
    CHECK(added.kind() == base::ErrorKind::kInvalid);
    CHECK(added.error().find("is not a valid selector") != std::string::npos);
  }
  CHECK(keys.Add(f.list_id, "brisbane.2026", KeyAlgorithm::kRsa, 2048, "P", kPem, 1).ok());
  CHECK_FALSE(keys.Add(f.list_id, "s2", KeyAlgorithm::kRsa, 2048, "P", "", 1).ok());
  CHECK_FALSE(keys.Add(f.list_id + 99, "s3", KeyAlgorithm::kRsa, 2048, "P", kPem, 1).ok());
}

TEST_CASE("RFC 5863 3.5: the rollover moves a key generated -> active -> retired -> removed",
          "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  auto old_rsa = keys.Add(f.list_id, "s2026-10", KeyAlgorithm::kRsa, 2048, "OLD", kPem, 10);
  auto ed = keys.Add(f.list_id, "s2026-10", KeyAlgorithm::kEd25519, 256, "ED", kPem, 11);
  REQUIRE(old_rsa.ok());
  REQUIRE(ed.ok());
  REQUIRE(keys.SetState(old_rsa->id, KeyState::kActive, 20).ok());
  REQUIRE(keys.SetState(ed->id, KeyState::kActive, 21).ok());

  // RSA and Ed25519 side by side: both active, newest activation first.
  auto active = keys.Active(f.list_id);
  REQUIRE(active.ok());
  REQUIRE(active->size() == 2);
  CHECK((*active)[0].id == ed->id);
  CHECK((*active)[1].id == old_rsa->id);
  CHECK((*active)[1].activated_at == 20);

  // Rotation: the next selector beside the active one, then the overlap.
  auto new_rsa = keys.Add(f.list_id, "s2026-11", KeyAlgorithm::kRsa, 2048, "NEW", kPem, 30);
  REQUIRE(new_rsa.ok());
  CHECK(keys.Active(f.list_id)->size() == 2);
  REQUIRE(keys.SetState(new_rsa->id, KeyState::kActive, 40).ok());
  CHECK(keys.Active(f.list_id)->size() == 3);
  REQUIRE(keys.SetState(old_rsa->id, KeyState::kRetired, 50).ok());
  // Retiring twice keeps the first retirement time.
  REQUIRE(keys.SetState(old_rsa->id, KeyState::kRetired, 55).ok());

  active = keys.Active(f.list_id);
  REQUIRE(active->size() == 2);
  CHECK((*active)[0].id == new_rsa->id);
  CHECK((*active)[1].id == ed->id);

  auto old_now = keys.ForList(f.list_id, std::string("s2026-10"));
  REQUIRE(old_now.ok());
  REQUIRE(old_now->size() == 2);
  const KeyRecord& retired = (*old_now)[0].id == old_rsa->id ? (*old_now)[0] : (*old_now)[1];
  CHECK(retired.state == KeyState::kRetired);
  CHECK(retired.activated_at == 20);
  CHECK(retired.retired_at == 50);

  // Newest first over the whole list.
  auto all = keys.ForList(f.list_id);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].id == new_rsa->id);
  CHECK((*all)[2].id == old_rsa->id);

  REQUIRE(keys.Remove(old_rsa->id).ok());
  CHECK(keys.ForList(f.list_id)->size() == 2);
  Status gone = keys.Remove(old_rsa->id);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error() == "key " + std::to_string(old_rsa->id) + " does not exist");
  CHECK_FALSE(keys.SetState(old_rsa->id, KeyState::kActive, 60).ok());
}

TEST_CASE("reactivating a retired key clears its retirement", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  auto key = keys.Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "P", kPem, 1);
  REQUIRE(keys.SetState(key->id, KeyState::kActive, 2).ok());
  REQUIRE(keys.SetState(key->id, KeyState::kActive, 3).ok());  // no-op: keeps 2
  REQUIRE(keys.SetState(key->id, KeyState::kRetired, 4).ok());
  REQUIRE(keys.SetState(key->id, KeyState::kActive, 5).ok());
  auto now = keys.ForList(f.list_id)->front();
  CHECK(now.state == KeyState::kActive);
  CHECK(now.activated_at == 5);
  CHECK_FALSE(now.retired_at.has_value());
}

TEST_CASE("the private key is sealed at rest and opens to the same PEM", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  auto key = keys.Add(f.list_id, "s1", KeyAlgorithm::kEd25519, 256, "P", kPem, 1);
  REQUIRE(key.ok());

  auto pem = keys.PrivateKeyPem(key->id);
  REQUIRE(pem.ok());
  CHECK(*pem == kPem);

  // What SQLite holds is the sealed form, not the PEM.
  auto raw = f.db->Prepare("SELECT private_key_sealed FROM keys WHERE id = ?1");
  REQUIRE(raw.ok());
  (*raw)->Bind(1, key->id);
  REQUIRE(*(*raw)->Step());
  const std::string sealed = (*raw)->ColumnBlob(0);
  (*raw)->Reset();
  CHECK(sealed.rfind("LDK1", 0) == 0);
  CHECK(sealed.find("PRIVATE KEY") == std::string::npos);
  CHECK(sealed.find("MC4CAQAw") == std::string::npos);

  auto missing = keys.PrivateKeyPem(key->id + 50);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "key " + std::to_string(key->id + 50) + " does not exist");
}

TEST_CASE("a sealed key moved onto another row does not open", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  auto ours = keys.Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "P", kPem, 1);
  auto theirs = keys.Add(f.other_list_id, "s1", KeyAlgorithm::kRsa, 2048, "Q", "other pem", 1);
  auto ed = keys.Add(f.list_id, "s1", KeyAlgorithm::kEd25519, 256, "E", "ed pem", 1);
  REQUIRE(ours.ok());
  REQUIRE(theirs.ok());
  REQUIRE(ed.ok());

  // Copy our sealed key onto the other list's row (same selector and
  // algorithm) and onto our own Ed25519 row (same list and selector).
  for (int64_t target : {theirs->id, ed->id}) {
    storage::Transaction transaction(*f.db);
    auto copy = f.db->Prepare(
        "UPDATE keys SET private_key_sealed = "
        "(SELECT private_key_sealed FROM keys WHERE id = ?1) WHERE id = ?2");
    REQUIRE(copy.ok());
    REQUIRE((*copy)->Bind(1, ours->id).Bind(2, target).Run().ok());
    REQUIRE(transaction.Commit().ok());
    auto opened = keys.PrivateKeyPem(target);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().find("cannot open the private key of key " + std::to_string(target)) == 0);
  }
  CHECK(*keys.PrivateKeyPem(ours->id) == kPem);
}

TEST_CASE("another master key cannot open the private keys", "[storage][keys]") {
  KeyFixture f;
  auto key_id = KeyRepository(*f.db, *f.master)
                    .Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "P", kPem, 1)
                    ->id;
  auto other = storage::MasterKey::LoadOrCreate(f.dir.File("other.key"));
  REQUIRE(other.ok());
  KeyRepository wrong(*f.db, *other);
  CHECK_FALSE(wrong.PrivateKeyPem(key_id).ok());
}

TEST_CASE("removing a list removes its keys", "[storage][keys]") {
  KeyFixture f;
  KeyRepository keys(*f.db, *f.master);
  REQUIRE(keys.Add(f.list_id, "s1", KeyAlgorithm::kRsa, 2048, "P", kPem, 1).ok());
  REQUIRE(keys.Add(f.other_list_id, "s1", KeyAlgorithm::kRsa, 2048, "P", kPem, 1).ok());
  REQUIRE(storage::ListRepository(*f.db).Remove(f.list_id).ok());
  CHECK(keys.ForList(f.list_id)->empty());
  CHECK(keys.ForList(f.other_list_id)->size() == 1);
}
