// Bans: addresses whose posts a list refuses and who cannot subscribe to
// it, per list or site-wide (list_id absent), over the bans table
// (storage/schema.cc, step 5).
//
// A ban's pattern is one of
//   local@domain       that address, compared as members are: the domain
//                      and the local part without regard to ASCII case;
//   *@domain           every address at that domain (not its subdomains);
//   *@*.domain         every address at any subdomain of that domain, at
//                      any depth (not the domain itself: ban both to mean
//                      both).
// Nothing else is a pattern: no other '*', no '?', no character classes,
// and no glob over a one-label domain ("*@com", "*@*.com"), which would ban
// a whole top-level domain by a slip of the keyboard. NormalizeBanPattern()
// says so (kind invalid) and gives the stored form: the domain lower-cased,
// the local part as given. A pattern appears once per scope whatever its
// case (the unique index on (ifnull(list_id, 0), lower(pattern))).
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_BAN_REPOSITORY_H_
#define LISTD_STORAGE_BAN_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "storage/database.h"

namespace storage {

struct BanRecord {
  int64_t id = 0;
  std::optional<int64_t> list_id;  // absent: site-wide
  std::string pattern;             // the stored form (see above)
  std::string reason;
  int64_t created_at = 0;
};

// `text` as a stored pattern, or why it is none (kind invalid).
Result<std::string> NormalizeBanPattern(std::string_view text);

class BanRepository {
 public:
  explicit BanRepository(Database& db) : db_(db) {}

  // Adds a ban of `pattern` (already normalised) to list `list_id`, or
  // site-wide; returns its id. The same pattern in that scope is a
  // conflict, no such list an error.
  Result<int64_t> Add(std::optional<int64_t> list_id, const std::string& pattern,
                      const std::string& reason, int64_t now);
  // Removes the ban of `pattern` (any case) in that scope; false when there
  // was none.
  Result<bool> Remove(std::optional<int64_t> list_id, const std::string& pattern);
  // The bans of one scope (list `list_id`, or the site's when absent), by id.
  Result<std::vector<BanRecord>> List(std::optional<int64_t> list_id);
  // The ban that covers `address` on list `list_id`: the list's own first,
  // then the site's; none when neither bans it.
  Result<std::optional<BanRecord>> Match(int64_t list_id, const base::EmailAddress& address);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_BAN_REPOSITORY_H_
