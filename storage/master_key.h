// MasterKey: the secret that seals every private key at rest.
//
// The database alone never reveals a key: private keys are stored sealed
// with AES-256-GCM (OpenSSL EVP) under a 32-byte master key kept in a file
// of its own beside the database ("<db>.key" by default), created on first
// use from the CSPRNG with mode 0600. A master key file that group or others
// can read is refused, saying so, because whoever reads it reads every list
// key. Sealed form: "LDK1" || 12-byte random nonce || ciphertext || 16-byte
// tag; the associated data binds a sealed key to its row (list and
// selector) so it cannot be swapped onto another list.
#ifndef LISTD_STORAGE_MASTER_KEY_H_
#define LISTD_STORAGE_MASTER_KEY_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace storage {

class MasterKey {
 public:
  // Reads `path`, or creates it (0600, 32 random bytes) when missing and
  // `create` is set. Refuses a file with any group/other permission bits,
  // a file of the wrong size, or one owned by another user.
  static base::Result<MasterKey> LoadOrCreate(const std::string& path, bool create = true);
  // The default location for a database file: "<db path>.key".
  static std::string DefaultPathFor(const std::string& db_path);

  // Seals `plaintext`, binding `associated_data`.
  std::string Seal(std::string_view plaintext, std::string_view associated_data) const;
  // Opens a sealed blob; fails on any tampering or a wrong key. The clear
  // bytes are kept out of core dumps and wiped when the result goes away.
  base::Result<base::SecretBytes> Open(std::string_view sealed,
                                       std::string_view associated_data) const;

  // The key's pages are wiped when it goes away (base::SecretBytes).
  MasterKey(MasterKey&&) noexcept = default;
  MasterKey& operator=(MasterKey&&) noexcept = default;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;

 private:
  explicit MasterKey(base::SecretBytes key) : key_(std::move(key)) {}
  base::SecretBytes key_;  // never in the ordinary heap, never in a core dump
};

}  // namespace storage

#endif  // LISTD_STORAGE_MASTER_KEY_H_
