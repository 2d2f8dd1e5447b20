// Lists and their per-list settings.
//
// A list is an address (local part + lower-cased domain) and a display name.
// Its settings are name/value pairs (list_settings table): the names, their
// allowed values and defaults are defined once in listd's settings catalogue
// (listd/list_settings.h), which validates before anything is stored here;
// this repository stores what it is given. Signing configuration lives in
// settings too ("signing.domain", "signing.algorithms", ...).
//
// Every write runs in its own transaction unless the caller holds one.
#ifndef LISTD_STORAGE_LIST_REPOSITORY_H_
#define LISTD_STORAGE_LIST_REPOSITORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/email_address.h"
#include "storage/database.h"

namespace storage {

struct ListRecord {
  int64_t id = 0;
  base::EmailAddress address;  // display_name holds the list's name
  int64_t created_at = 0;
};

class ListRepository {
 public:
  explicit ListRepository(Database& db) : db_(db) {}

  // Creates a list; fails if the address is taken, in any case.
  Result<ListRecord> Create(const base::EmailAddress& address, int64_t now);
  // The list at `address`. Both parts compare case-insensitively (ASCII):
  // listd is the receiving host of its lists' addresses, and RFC 5321
  // section 2.4 leaves the local part's case to it; like Mailman, it does
  // not tell "Team@" from "team@".
  Result<std::optional<ListRecord>> Find(const base::EmailAddress& address);
  Result<std::optional<ListRecord>> FindById(int64_t id);
  // All lists ordered by domain, then local part.
  Result<std::vector<ListRecord>> All();
  // Renames (display name).
  Status SetDisplayName(int64_t list_id, const std::string& name);
  // Removes the list and, by cascade, its settings, members, keys, held posts.
  Status Remove(int64_t list_id);

  // Settings explicitly set for the list (defaults are not stored).
  Result<std::map<std::string, std::string>> Settings(int64_t list_id);
  Status SetSetting(int64_t list_id, const std::string& name, const std::string& value);
  Status ClearSetting(int64_t list_id, const std::string& name);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_LIST_REPOSITORY_H_
