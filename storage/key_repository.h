// DKIM keys of lists, and their rollover states (RFC 6376 section 3.1 and
// RFC 5863 section 3.5 describe selectors as the means of rollover):
//   generated -> (published and checked in DNS) -> active -> retired -> removed
// Several keys may be active at once (RSA and Ed25519 side by side, or the
// overlap of a rotation). Private keys are stored sealed by the MasterKey
// (storage/master_key.h); this repository never sees them in clear except
// in memory when asked for one.
#ifndef LISTD_STORAGE_KEY_REPOSITORY_H_
#define LISTD_STORAGE_KEY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/master_key.h"

namespace storage {

enum class KeyState { kGenerated, kActive, kRetired };
enum class KeyAlgorithm { kRsa, kEd25519 };
std::string_view ToString(KeyState state);  // "generated", "active", "retired"
std::optional<KeyState> ParseKeyState(std::string_view text);
std::string_view ToString(KeyAlgorithm algorithm);  // "rsa", "ed25519"
std::optional<KeyAlgorithm> ParseKeyAlgorithm(std::string_view text);

struct KeyRecord {
  int64_t id = 0;
  int64_t list_id = 0;
  std::string selector;
  KeyAlgorithm algorithm = KeyAlgorithm::kRsa;
  int bits = 0;
  std::string public_key;  // the p= value (base64)
  KeyState state = KeyState::kGenerated;
  int64_t created_at = 0;
  std::optional<int64_t> activated_at;
  std::optional<int64_t> retired_at;
};

class KeyRepository {
 public:
  KeyRepository(Database& db, const MasterKey& master) : db_(db), master_(master) {}

  // Stores a new key in state generated, sealing `private_key_pem`.
  // Fails if the list already has a key of that algorithm and selector.
  Result<KeyRecord> Add(int64_t list_id, const std::string& selector, KeyAlgorithm algorithm,
                        int bits, const std::string& public_key, std::string_view private_key_pem,
                        int64_t now);
  // Keys of a list, newest first; optionally only one selector.
  Result<std::vector<KeyRecord>> ForList(int64_t list_id,
                                         const std::optional<std::string>& selector = {});
  Result<std::vector<KeyRecord>> Active(int64_t list_id);
  Status SetState(int64_t key_id, KeyState state, int64_t now);
  Status Remove(int64_t key_id);
  // The private key in clear (PEM), for signing or export.
  Result<base::SecretBytes> PrivateKeyPem(int64_t key_id);

 private:
  Database& db_;
  const MasterKey& master_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_KEY_REPOSITORY_H_
