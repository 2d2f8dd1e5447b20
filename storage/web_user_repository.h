// Web users: the addresses that may log in to the web face, over the
// web_users table (storage/schema.cc, step 9). An address appears once,
// compared without regard to ASCII case; its domain is stored lower-cased
// and its local part as first given. The password is an Argon2id hash in
// its encoded form ("$argon2id$v=19$m=...") made by the service, or none
// until one is set. A list's owners and moderators need no row to be
// mailed a password link (MemberRepository::PrivilegedRoles); setting a
// password makes one.
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_WEB_USER_REPOSITORY_H_
#define LISTD_STORAGE_WEB_USER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/email_address.h"
#include "storage/database.h"

namespace storage {

struct WebUserRecord {
  int64_t id = 0;
  std::string address;                       // local@domain, domain lower-cased
  std::optional<std::string> password_hash;  // the encoded Argon2id hash; never shown
  bool site_admin = false;
  int64_t created_at = 0;
};

class WebUserRepository {
 public:
  explicit WebUserRepository(Database& db) : db_(db) {}

  // Adds a user without a password; kind conflict when the address (any
  // case) is one already. Returns its id.
  Result<int64_t> Add(const base::EmailAddress& address, bool site_admin, int64_t now);
  // The user at `address` (any case), if any.
  Result<std::optional<WebUserRecord>> Find(const base::EmailAddress& address);
  // The user `id`, if any.
  Result<std::optional<WebUserRecord>> FindById(int64_t id);
  // Stores the encoded hash of user `id`'s new password.
  Status SetPasswordHash(int64_t id, const std::string& encoded);
  // Removes the user at `address` (and its sessions); false when none.
  Result<bool> Remove(const base::EmailAddress& address);
  // Every user, by address.
  Result<std::vector<WebUserRecord>> All();

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_WEB_USER_REPOSITORY_H_
