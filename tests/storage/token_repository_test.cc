// TokenRepository on a real SQLite file: a token redeems once, not after
// it expires, not when unknown; only its SHA-256 is stored; NewToken makes
// 16 CSPRNG bytes in base64url without padding (RFC 4648 section 5).
#include "storage/token_repository.h"

#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using storage::TokenRecord;
using storage::TokenRepository;

struct TokenFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  TokenFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    list_id = storage::ListRepository(*db)
                  .Create(*base::EmailAddress::Parse("discuss@example.org"), 1)
                  ->id;
  }
  TokenRecord Record(int64_t created, int64_t expires) const {
    TokenRecord record;
    record.list_id = list_id;
    record.purpose = "subscribe";
    record.address = "joe@example.org";
    record.payload = "name=Joe";
    record.created_at = created;
    record.expires_at = expires;
    return record;
  }
};

std::string Sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

}  // namespace

TEST_CASE("RFC 4648 5: NewToken is 16 random bytes in base64url without padding",
          "[storage][tokens]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = storage::NewToken();
    CHECK(token.size() == 22);  // ceil(16 * 8 / 6)
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_") == std::string::npos);
    seen.insert(token);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("a token redeems once, returning what it was stored with", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(tokens.Add(token, f.Record(100, 200)).ok());

  auto redeemed = tokens.Redeem(token, 150);
  REQUIRE(redeemed.ok());
  REQUIRE(redeemed->has_value());
  const TokenRecord& record = **redeemed;
  CHECK(record.id > 0);
  CHECK(record.list_id == f.list_id);
  CHECK(record.purpose == "subscribe");
  CHECK(record.address == "joe@example.org");
  CHECK(record.payload == "name=Joe");
  CHECK(record.created_at == 100);
  CHECK(record.expires_at == 200);

  auto again = tokens.Redeem(token, 151);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
}

TEST_CASE("an expired or unknown token does not redeem", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(tokens.Add(token, f.Record(100, 200)).ok());

  auto expired = tokens.Redeem(token, 200);  // expires_at is the first invalid second
  REQUIRE(expired.ok());
  CHECK_FALSE(expired->has_value());

  auto unknown = tokens.Redeem(storage::NewToken(), 150);
  REQUIRE(unknown.ok());
  CHECK_FALSE(unknown->has_value());
  // Nearly the token is not the token.
  std::string altered = token;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  CHECK_FALSE(tokens.Redeem(altered, 150)->has_value());

  // The expiry attempt did not use it up: still good before it expires.
  CHECK(tokens.Redeem(token, 199)->has_value());
}

TEST_CASE("only the token's SHA-256 is stored", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(tokens.Add(token, f.Record(1, 2)).ok());

  auto raw = f.db->Prepare("SELECT token_hash FROM tokens");
  REQUIRE(raw.ok());
  REQUIRE(*(*raw)->Step());
  const std::string stored = (*raw)->ColumnBlob(0);
  (*raw)->Reset();
  CHECK(stored == Sha256(token));
  CHECK(stored.find(token) == std::string::npos);
}

TEST_CASE("the same token cannot be stored twice, an empty one not at all", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(tokens.Add(token, f.Record(1, 2)).ok());
  CHECK_FALSE(tokens.Add(token, f.Record(1, 2)).ok());
  CHECK_FALSE(tokens.Add("", f.Record(1, 2)).ok());
}

TEST_CASE("Purge deletes expired tokens only", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string old_token = storage::NewToken();
  const std::string fresh_token = storage::NewToken();
  REQUIRE(tokens.Add(old_token, f.Record(1, 10)).ok());
  REQUIRE(tokens.Add(storage::NewToken(), f.Record(1, 20)).ok());
  REQUIRE(tokens.Add(fresh_token, f.Record(1, 100)).ok());

  auto purged = tokens.Purge(20);
  REQUIRE(purged.ok());
  CHECK(*purged == 2);
  CHECK(*tokens.Purge(20) == 0);
  CHECK_FALSE(tokens.Redeem(old_token, 5)->has_value());  // gone, even at an earlier time
  CHECK(tokens.Redeem(fresh_token, 50)->has_value());
}

TEST_CASE("removing a list removes its tokens", "[storage][tokens]") {
  TokenFixture f;
  TokenRepository tokens(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(tokens.Add(token, f.Record(1, 100)).ok());
  REQUIRE(storage::ListRepository(*f.db).Remove(f.list_id).ok());
  CHECK_FALSE(tokens.Redeem(token, 50)->has_value());
}
