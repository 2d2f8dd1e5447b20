// ListFixture: one list, demo@lists.example.org ("Demo"), in a real SQLite
// store in a fresh temp dir, with helpers to set its settings, give it
// keys in any state, add members and spool a post, so that the stage tests
// below the pipeline (sign, queue, decorate, list_context, delivery,
// intake) start from the same store the daemon would use.
#ifndef LISTD_TESTS_PIPELINE_LIST_FIXTURE_H_
#define LISTD_TESTS_PIPELINE_LIST_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dkim/crypto.h"
#include "listd/pipeline/list_context.h"
#include "storage/key_repository.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

namespace pipeline_test {

inline constexpr const char* kListAddress = "demo@lists.example.org";

// The state a test key is left in.
enum class KeyState { kGenerated, kActive, kRetired };

struct ListFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  storage::ListRecord list;

  // Opens the store and creates the list at kNow.
  ListFixture();

  // Sets the list's settings through the catalogue (must succeed).
  void Set(const std::vector<std::pair<std::string, std::string>>& assignments);
  // Imports `key` under `selector` and brings it to `state` (must succeed);
  // returns the stored record as it is then.
  storage::KeyRecord AddKey(const dkim::PrivateKey& key, const std::string& selector,
                            KeyState state = KeyState::kActive);
  // Adds members (must succeed).
  void AddMembers(const std::vector<std::string>& addresses);
  // Spools a post for the list received at `received_at`; returns its id.
  int64_t SpoolPost(int64_t received_at, const std::string& message);
  // LoadListContext() that must succeed.
  listd::pipeline::ListContext Context();
};

// The DKIM key record ("v=DKIM1; k=...; p=...") of a stored key.
std::string KeyRecordText(const storage::KeyRecord& key);

}  // namespace pipeline_test

#endif  // LISTD_TESTS_PIPELINE_LIST_FIXTURE_H_
