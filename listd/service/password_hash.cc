// Argon2id through libargon2 (see password_hash.h).
#include "listd/service/password_hash.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace listd::service {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kTagBytes = 32;

}  // namespace

base::Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) {
    return base::Unavailable("hashing a password: the CSPRNG (RAND_bytes) failed");
  }
  const size_t size =
      argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes, kTagBytes, Argon2_id);
  std::vector<char> encoded(size + 1, '\0');
  const int result =
      argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(),
                            password.size(), salt, sizeof salt, kTagBytes, encoded.data(), size);
  OPENSSL_cleanse(salt, sizeof salt);
  if (result != ARGON2_OK) {
    return base::Error{std::string("hashing a password: ") + argon2_error_message(result)};
  }
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  const std::string terminated(encoded);  // argon2id_verify reads a C string
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool VerifyAgainstDecoy(std::string_view password, const PasswordCost& cost) {
  static std::mutex mutex;
  static std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::string> decoys;
  std::string decoy;
  {
    std::lock_guard<std::mutex> hold(mutex);
    std::string& made = decoys[{cost.passes, cost.memory_kib, cost.lanes}];
    if (made.empty()) {
      unsigned char random[16];
      if (RAND_bytes(random, sizeof random) == 1) {
        auto hashed = HashPassword(
            std::string_view(reinterpret_cast<const char*>(random), sizeof random), cost);
        if (hashed) made = *hashed;
      }
      OPENSSL_cleanse(random, sizeof random);
    }
    decoy = made;
  }
  if (decoy.empty()) return false;
  VerifyPassword(decoy, password);
  return false;
}

}  // namespace listd::service
