// List secrets: per-list keys that are not signing keys, such as the MAC
// key of a list's member links (unsubscribe, preferences), kept sealed
// under the master key as private keys are (master_key.h), the associated
// data binding each to its (list, purpose) so a sealed secret cannot be
// moved onto another list.
//
// One secret per (list, purpose). Put() replaces it: that is the rotation,
// and everything made under the old one stops verifying.
//
// Thread-safety: as every repository, one per connection.
#ifndef LISTD_STORAGE_LIST_SECRET_REPOSITORY_H_
#define LISTD_STORAGE_LIST_SECRET_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/secret_bytes.h"
#include "storage/database.h"
#include "storage/master_key.h"

namespace storage {

class ListSecretRepository {
 public:
  ListSecretRepository(Database& db, const MasterKey& master) : db_(db), master_(master) {}

  // The list's secret for `purpose`, opened; nullopt when it has none.
  // Fails when the sealed bytes do not open (wrong master key, altered row).
  Result<std::optional<base::SecretBytes>> Get(int64_t list_id, std::string_view purpose);
  // Stores `secret` as the list's secret for `purpose`, replacing any.
  Status Put(int64_t list_id, std::string_view purpose, std::string_view secret, int64_t now);

 private:
  Database& db_;
  const MasterKey& master_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_LIST_SECRET_REPOSITORY_H_
