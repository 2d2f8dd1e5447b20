// ListService: lists and their settings, as the operations every face
// shares (listctl today, the REST API and pages later).
//
// Contract:
// - Every write is one transaction holding the change and its row in the
//   events log, attributed to the actor given at construction
//   ("listctl:alice", "web:owner@example.org"): all of it happens or none.
// - Lists are named by address (list_lookup.h says how, and which errors
//   that gives: invalid, not_found).
// - Settings are validated by the catalogue (listd/settings/catalogue.h);
//   an invalid one is kind invalid and changes nothing.
// - The clock is the caller's: every write takes `now` (seconds since the
//   epoch), so tests are deterministic.
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_SERVICE_LIST_SERVICE_H_
#define LISTD_LISTD_SERVICE_LIST_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "listd/settings/list_settings.h"
#include "storage/store.h"

namespace listd::service {

// A list with its member count, as `list ls` shows it.
struct ListSummary {
  storage::ListRecord list;
  int64_t members = 0;  // every role
};

// Everything `list show` prints about one list.
struct ListDetails {
  storage::ListRecord list;
  int64_t members = 0;     // role member
  int64_t moderators = 0;  // role moderator
  int64_t owners = 0;      // role owner
  std::vector<settings::EffectiveSetting> settings;
  std::vector<storage::KeyRecord> keys;  // newest first
};

class ListService {
 public:
  // `actor` is recorded with every event, e.g. "listctl:root".
  ListService(storage::Store& store, std::string actor) : store_(store), actor_(std::move(actor)) {}

  // Creates the list at `address` named `name`; with `owner`, adds that
  // address as the list's first member with role owner. A taken address
  // is kind conflict.
  base::Result<storage::ListRecord> CreateList(std::string_view address, const std::string& name,
                                               const std::optional<std::string>& owner,
                                               int64_t now);
  // The list at `address`.
  base::Result<storage::ListRecord> FindList(std::string_view address);
  // Every list with its member count, ordered by domain then local part.
  base::Result<std::vector<ListSummary>> AllLists();
  // The list, its member counts, its settings in force and its keys.
  base::Result<ListDetails> Show(std::string_view address);
  // Validates every KEY=VALUE through the settings catalogue and stores them
  // all, or none when any is invalid. `reset` names settings to return to
  // their defaults.
  base::Status Set(std::string_view address,
                   const std::vector<std::pair<std::string, std::string>>& assignments,
                   const std::vector<std::string>& reset, int64_t now);
  // Removes the list with its members, settings, keys and held posts.
  base::Status RemoveList(std::string_view address, int64_t now);
  // The list's newest `limit` events, newest first: who changed what, and
  // what listd did on its own (a throttled confirmation, a reply not sent).
  base::Result<std::vector<storage::EventRecord>> Events(std::string_view address, int limit);

 private:
  storage::Store& store_;
  std::string actor_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_LIST_SERVICE_H_
