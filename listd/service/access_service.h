// AccessService: the web face's accounts as the operations every face
// shares (listctl user/token, the login pages, the API's bearer tokens):
// web users and their passwords, sessions, one-time password links, API
// tokens, and who an address is (site admin? owner or moderator where?).
//
// POLICY (AccessPolicy; the defaults)
//   passwords      Argon2id (password_hash.h), at least 10 characters
//                  (code points), at most 1024 bytes
//   sessions       end 8 h after their last use and 7 days after they
//                  were opened, whichever comes first; a new password
//                  closes every session of its user
//   password links valid 1 h, used once; a new link retires the older
//                  ones; at most 3 made per address an hour (more asks
//                  are answered the same and mail nothing)
//   API tokens     the site's, or one list's with role owner|moderator
//
// Contract:
// - Secrets (session ids, API tokens, link tokens) come from the CSPRNG
//   and are stored as SHA-256 only; CreateApiToken and OpenSession return
//   theirs once, and nothing else returns a secret or a hash.
// - Unknown address, no password, wrong password: the same nullopt, after
//   the same Argon2id work (a decoy hash for an unknown address).
// - A person's roles are read afresh on every call (Identity()).
// - Every change is one transaction with its event (site-wide: no list):
//   user.add, user.passwd, user.remove, session.open, session.close,
//   password.link, token.create, token.revoke. A session's or token's
//   last use is bookkeeping, written without an event (it happens on
//   every request).
// - A password link is mailed through the first list the address owns or
//   moderates (list_mailer.h), or, for a web user on no list, through the
//   site's first list; with no list at all nothing can be mailed (event
//   password.unmailable).
//
// Thread-safety: one per thread, over that thread's Store.
#ifndef LISTD_LISTD_SERVICE_ACCESS_SERVICE_H_
#define LISTD_LISTD_SERVICE_ACCESS_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "listd/service/list_mailer.h"
#include "listd/service/password_hash.h"
#include "storage/store.h"

namespace listd::service {

struct AccessPolicy {
  int64_t session_idle = 8 * 3600;
  int64_t session_life = 7 * 24 * 3600;
  int64_t link_life = 3600;
  int64_t links_per_hour = 3;
  size_t min_password = 10;    // code points
  size_t max_password = 1024;  // bytes
  PasswordCost cost;
};

// Who a web user or list officer is, now.
struct Identity {
  std::string address;  // as stored (the web user's) or as given
  bool site_admin = false;
  std::vector<storage::PrivilegedRole> roles;  // lists owned or moderated
};

// A web user as shown (no hash).
struct WebUserInfo {
  int64_t id = 0;
  std::string address;
  bool site_admin = false;
  bool has_password = false;
  int64_t created_at = 0;
};

// An API token as shown (no secret), with its list's address.
struct ApiTokenInfo {
  storage::ApiTokenRecord record;
  std::optional<std::string> list_address;  // absent: a site token
};

// A token just made: the secret, shown this once.
struct NewApiToken {
  ApiTokenInfo info;
  std::string token;
};

class AccessService {
 public:
  // `actor` is recorded with every event ("listctl:root", "web:a@b").
  AccessService(storage::Store& store, std::string templates_dir, std::string actor,
                AccessPolicy policy = {});

  // Adds a web user without a password (kind conflict when one exists).
  base::Result<WebUserInfo> AddUser(std::string_view address, bool site_admin, int64_t now);
  // Sets the password of `address`: a web user, or a list's owner or
  // moderator (who becomes a web user). Kind invalid when too short or
  // long, not_found for anyone else.
  base::Status SetPassword(std::string_view address, std::string_view password, int64_t now);
  // Removes a web user and its sessions (not_found when none).
  base::Status RemoveUser(std::string_view address, int64_t now);
  // Every web user, by address.
  base::Result<std::vector<WebUserInfo>> Users();

  // The identity of `address` when `password` is its password; nullopt
  // otherwise (see Contract).
  base::Result<std::optional<Identity>> CheckPassword(std::string_view address,
                                                      std::string_view password, int64_t now);
  // Opens a session for the web user `address`; returns its new id.
  base::Result<std::string> OpenSession(std::string_view address, int64_t now);
  // The identity of a live session, recording its use; nullopt when
  // unknown, closed or ended.
  base::Result<std::optional<Identity>> ForSession(std::string_view session_id, int64_t now);
  // Closes a session; an unknown one is not an error (and no event).
  base::Status CloseSession(std::string_view session_id, int64_t now);

  // Mails a password link (BASE_URL/password/TOKEN) to `address` when it
  // is a web user or a list officer, within the hourly cap; else nothing.
  base::Status MailPasswordLink(std::string_view address, std::string_view base_url, int64_t now);
  // The address a live link is for; nullopt when unknown, used or expired.
  base::Result<std::optional<std::string>> PasswordLinkAddress(std::string_view token, int64_t now);
  // Sets the password of the link's address and spends the link (invalid
  // for a bad password, not_found for a dead link).
  base::Status SetPasswordWithToken(std::string_view token, std::string_view password, int64_t now);

  // Makes an API token for the site (no list) or for `list` with `role`.
  base::Result<NewApiToken> CreateApiToken(std::string_view name,
                                           std::optional<std::string_view> list,
                                           storage::MemberRole role, int64_t now);
  // Every API token, by id.
  base::Result<std::vector<ApiTokenInfo>> ApiTokens();
  // Revokes token `id` (not_found when none; revoking twice is a no-op).
  base::Status RevokeApiToken(int64_t id, int64_t now);
  // The live token `token`, recording its use; nullopt when unknown or
  // revoked.
  base::Result<std::optional<ApiTokenInfo>> ForApiToken(std::string_view token, int64_t now);

  // Who `address` is now: the site admin flag and the lists it owns or
  // moderates.
  base::Result<Identity> IdentityOf(std::string_view address);

  // Whether `password` is acceptable (kind invalid saying why).
  base::Status CheckPasswordRules(std::string_view password) const;

 private:
  // Not found unless `address` is a web user or a list's officer.
  base::Status MayHavePassword(const base::EmailAddress& address);
  // In the caller's transaction: the web user of `address` (made when it
  // is a list officer without one) gets `encoded`; its sessions close and
  // its password links are spent.
  base::Status StorePasswordHash(const base::EmailAddress& address, const std::string& encoded,
                                 int64_t now);
  base::Status Event(int64_t now, const std::string& action, const std::string& detail);

  storage::Store& store_;
  ListMailer mailer_;
  std::string actor_;
  AccessPolicy policy_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_ACCESS_SERVICE_H_
