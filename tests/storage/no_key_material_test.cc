// The database alone never reveals a private key (issue 3, DESIGN.md:
// keys are sealed at rest under the master key). Real RSA and Ed25519 keys
// are made here with OpenSSL EVP (storage/ and its tests never use dkim/),
// stored through KeyRepository, and the raw bytes of the database file and
// its -wal file are searched for every form the key could leak in: the PEM
// text, each base64 line of its body, its DER (PKCS #8 and the
// algorithm's own form), and the secret numbers themselves (RSA d, p, q;
// the Ed25519 seed), whole and in 16-byte pieces. The public key is
// searched too and must be found, or the search proves nothing.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/key_repository.h"
#include "storage/list_repository.h"
#include "storage/master_key.h"
#include "tests/support/temp_dir.h"

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(size));
  return out;
}

std::string Base64Decode(const std::string& text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  REQUIRE(size >= 0);
  out.resize(static_cast<size_t>(size));
  // DecodeBlock counts the padding's zero bytes; drop them.
  size_t padding = 0;
  while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  out.resize(out.size() - padding);
  return out;
}

// A generated key in every form the test looks for.
struct KeyMaterial {
  std::string algorithm;  // "rsa" or "ed25519"
  int bits = 0;
  std::string pem;                   // PKCS #8 PEM, as KeyRepository stores it
  std::vector<std::string> lines;    // the PEM's base64 body lines
  std::string pkcs8_der;             // the PEM's body, decoded
  std::string native_der;            // PKCS #1 for RSA (i2d_PrivateKey)
  std::vector<std::string> secrets;  // d, p, q / the Ed25519 seed
  std::string public_key;            // the DKIM p= value (RFC 6376 3.6.1, RFC 8463 4)
};

std::string BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, name, &raw) == 1);
  std::unique_ptr<BIGNUM, BnFree> bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

KeyMaterial Generate(const std::string& algorithm) {
  KeyMaterial key;
  key.algorithm = algorithm;
  Pkey pkey(algorithm == "rsa" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  REQUIRE(pkey != nullptr);
  key.bits = EVP_PKEY_get_bits(pkey.get());

  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  REQUIRE(PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
          1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  key.pem.assign(data, static_cast<size_t>(size));

  std::istringstream pem_lines(key.pem);
  std::string body;
  for (std::string line; std::getline(pem_lines, line);) {
    if (line.rfind("-----", 0) == 0) continue;
    key.lines.push_back(line);
    body += line;
  }
  REQUIRE(key.lines.size() >= 1);
  key.pkcs8_der = Base64Decode(body);

  unsigned char* der = nullptr;
  const int der_size = i2d_PrivateKey(pkey.get(), &der);
  REQUIRE(der_size > 0);
  key.native_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(der_size));
  OPENSSL_free(der);

  if (algorithm == "rsa") {
    key.secrets.push_back(BnParam(pkey.get(), OSSL_PKEY_PARAM_RSA_D));
    key.secrets.push_back(BnParam(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR1));
    key.secrets.push_back(BnParam(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR2));
    // RFC 6376 3.6.1: p= for RSA is the DER SubjectPublicKeyInfo, base64.
    unsigned char* spki = nullptr;
    const int spki_size = i2d_PUBKEY(pkey.get(), &spki);
    REQUIRE(spki_size > 0);
    key.public_key = Base64(std::string(reinterpret_cast<char*>(spki), spki_size));
    OPENSSL_free(spki);
  } else {
    unsigned char seed[32];
    size_t seed_size = sizeof seed;
    REQUIRE(EVP_PKEY_get_raw_private_key(pkey.get(), seed, &seed_size) == 1);
    key.secrets.emplace_back(reinterpret_cast<char*>(seed), seed_size);
    // RFC 8463 4: p= for Ed25519 is the raw 32-byte public key, base64.
    unsigned char raw[32];
    size_t raw_size = sizeof raw;
    REQUIRE(EVP_PKEY_get_raw_public_key(pkey.get(), raw, &raw_size) == 1);
    key.public_key = Base64(std::string(reinterpret_cast<char*>(raw), raw_size));
  }
  return key;
}

// The bytes of `path`, or "" when the file does not exist.
std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The forms of `key`'s secret found in `bytes`, described; empty when
// none is there.
std::vector<std::string> LeaksIn(const std::string& bytes, const KeyMaterial& key) {
  std::vector<std::string> found;
  if (bytes.find(key.pem) != std::string::npos) found.push_back("the PEM text");
  if (bytes.find("PRIVATE KEY-----") != std::string::npos) found.push_back("a PEM armour line");
  for (const std::string& line : key.lines) {
    // A body line that is also a piece of the public key would be no
    // secret (RSA's PKCS #8 holds the modulus); none is, in practice.
    if (key.public_key.find(line) != std::string::npos) continue;
    if (bytes.find(line) != std::string::npos) found.push_back("PEM body line " + line);
  }
  if (bytes.find(key.pkcs8_der) != std::string::npos) found.push_back("the PKCS #8 DER");
  if (bytes.find(key.native_der) != std::string::npos) found.push_back("the native DER");
  for (size_t i = 0; i < key.secrets.size(); ++i) {
    const std::string& secret = key.secrets[i];
    for (size_t at = 0; at + 16 <= secret.size(); at += 8) {
      if (bytes.find(secret.substr(at, 16)) != std::string::npos) {
        found.push_back("16 bytes of secret number " + std::to_string(i) + " at offset " +
                        std::to_string(at));
      }
    }
  }
  return found;
}

// Checks that nothing secret of `key` is in `bytes` (named `where`).
void CheckNoSecret(const std::string& bytes, const std::string& where, const KeyMaterial& key) {
  INFO(key.algorithm << " key, scanning " << where << " (" << bytes.size() << " bytes)");
  CHECK(LeaksIn(bytes, key) == std::vector<std::string>{});
}

}  // namespace

TEST_CASE("the database file and its WAL hold no private key material", "[storage][keys]") {
  storage_test::TempDir dir;
  const std::string db_path = dir.File("listd.db");
  auto master = storage::MasterKey::LoadOrCreate(storage::MasterKey::DefaultPathFor(db_path));
  REQUIRE(master.ok());

  const std::vector<KeyMaterial> keys = {Generate("rsa"), Generate("ed25519"), Generate("rsa"),
                                         Generate("ed25519")};
  {
    auto opened = storage::Database::Open(db_path);
    REQUIRE(opened.ok());
    std::unique_ptr<storage::Database> db = std::move(opened).value();
    storage::ListRepository lists(*db);
    storage::KeyRepository repository(*db, *master);
    const int64_t discuss = lists.Create(*base::EmailAddress::Parse("discuss@example.org"), 1)->id;
    const int64_t announce =
        lists.Create(*base::EmailAddress::Parse("announce@example.org"), 1)->id;
    for (size_t i = 0; i < keys.size(); ++i) {
      const KeyMaterial& key = keys[i];
      auto stored = repository.Add(i < 2 ? discuss : announce, "s2026-11",
                                   *storage::ParseKeyAlgorithm(key.algorithm), key.bits,
                                   key.public_key, key.pem, 10);
      REQUIRE(stored.ok());
      REQUIRE(repository.SetState(stored->id, storage::KeyState::kActive, 20).ok());
      // Reading a key back (for signing) writes nothing in clear either.
      REQUIRE(*repository.PrivateKeyPem(stored->id) == key.pem);
    }

    // While open, the fresh pages sit in the WAL: scan both files now.
    const std::string live = ReadBytes(db_path) + ReadBytes(db_path + "-wal");
    REQUIRE(std::filesystem::exists(db_path + "-wal"));
    for (const KeyMaterial& key : keys) {
      CHECK(live.find(key.public_key) != std::string::npos);
      CheckNoSecret(ReadBytes(db_path), "the open database file", key);
      CheckNoSecret(ReadBytes(db_path + "-wal"), "the open database's -wal file", key);
    }

    REQUIRE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }

  // Closed and checkpointed: everything is in the database file.
  const std::string file = ReadBytes(db_path);
  const std::string wal = ReadBytes(db_path + "-wal");
  REQUIRE_FALSE(file.empty());
  for (const KeyMaterial& key : keys) {
    // The scan works: the public key, stored in clear, is found.
    CHECK(file.find(key.public_key) != std::string::npos);
    CheckNoSecret(file, "the database file", key);
    CheckNoSecret(wal, "the -wal file", key);
  }
}

TEST_CASE("the scan finds key material that was stored in clear", "[storage][keys]") {
  // The control for the test above: the same scan over a file where a
  // careless write put the PEM in a setting and the DER in a token's hash.
  storage_test::TempDir dir;
  const std::string db_path = dir.File("listd.db");
  const KeyMaterial rsa = Generate("rsa");
  const KeyMaterial ed = Generate("ed25519");
  {
    auto opened = storage::Database::Open(db_path);
    REQUIRE(opened.ok());
    std::unique_ptr<storage::Database> db = std::move(opened).value();
    storage::ListRepository lists(*db);
    const int64_t list = lists.Create(*base::EmailAddress::Parse("leaky@example.org"), 1)->id;
    REQUIRE(lists.SetSetting(list, "footer_template", rsa.pem).ok());
    storage::Transaction transaction(*db);
    auto insert = db->Prepare(
        "INSERT INTO tokens (token_hash, list_id, purpose, address, created_at, expires_at) "
        "VALUES (?1, ?2, 'x', 'x', 0, 0)");
    REQUIRE(insert.ok());
    REQUIRE((*insert)->BindBlob(1, ed.native_der).Bind(2, list).Run().ok());
    REQUIRE(transaction.Commit().ok());
    REQUIRE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  const std::string file = ReadBytes(db_path);
  // A value this long spills into overflow pages, whose 4-byte links cut
  // it: the whole PEM is not one run of bytes in the file, which is why
  // the scan also looks for each body line and for pieces of the secrets.
  const std::vector<std::string> rsa_leaks = LeaksIn(file, rsa);
  INFO("found: " << Catch::Detail::stringify(rsa_leaks));
  const auto lines_found = std::count_if(rsa_leaks.begin(), rsa_leaks.end(), [](auto& leak) {
    return leak.rfind("PEM body line ", 0) == 0;
  });
  CHECK(static_cast<size_t>(lines_found) + 2 >= rsa.lines.size());
  CHECK(std::find(rsa_leaks.begin(), rsa_leaks.end(), "the PKCS #8 DER") == rsa_leaks.end());
  const std::vector<std::string> ed_leaks = LeaksIn(file, ed);
  CHECK(std::find(ed_leaks.begin(), ed_leaks.end(), "the native DER") != ed_leaks.end());
  CHECK(std::find(ed_leaks.begin(), ed_leaks.end(), "16 bytes of secret number 0 at offset 0") !=
        ed_leaks.end());
}
