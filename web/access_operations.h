// AccessOperations: what the web face needs to know who is asking. listd
// implements it over its store (listd/webface/); web/ only calls it.
//
// Contract:
// - API tokens, session ids and one-time password-link tokens come from the
//   CSPRNG and only their SHA-256 hashes are stored; passwords are stored
//   as Argon2id hashes. Nothing here ever returns a hash or a secret that
//   was stored.
// - A principal's list roles are read afresh on every call (a login for an
//   owner who was removed from a list loses that list at the next request).
// - "Not found" and "wrong password" are the same answer (nullopt), so the
//   answer does not tell whether an account exists.
// - `now` is seconds since the epoch, from the daemon's clock.
//
// Thread-safety: an implementation must allow calls from several HTTP
// worker threads at once.
#ifndef LISTD_WEB_ACCESS_OPERATIONS_H_
#define LISTD_WEB_ACCESS_OPERATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "web/principal.h"

namespace web {

class AccessOperations {
 public:
  virtual ~AccessOperations() = default;

  // The principal of an API token (the value after "Authorization: Bearer");
  // nullopt when unknown or revoked.
  virtual base::Result<std::optional<Principal>> ForApiToken(std::string_view token,
                                                             int64_t now) = 0;
  // Checks a web user's password; the principal on success, nullopt for an
  // unknown address, an account without a password, or a wrong password.
  virtual base::Result<std::optional<Principal>> ForPassword(std::string_view address,
                                                             std::string_view password,
                                                             int64_t now) = 0;
  // Opens a session for the web user `address` (who just logged in);
  // returns the new session id. Sessions end `session_life` after their
  // last use.
  virtual base::Result<std::string> OpenSession(std::string_view address, int64_t now) = 0;
  // The principal of a live session, refreshing its last use; nullopt when
  // unknown, closed or expired.
  virtual base::Result<std::optional<Principal>> ForSession(std::string_view session_id,
                                                            int64_t now) = 0;
  // Ends a session (logout). Unknown ids are not an error.
  virtual base::Status CloseSession(std::string_view session_id) = 0;
  // Mails `address` a one-time link (BASE_URL/password/TOKEN) to set its
  // password, when it is a web user or a list's owner or moderator; does
  // nothing otherwise. The caller answers the same either way.
  virtual base::Status MailPasswordLink(std::string_view address, std::string_view base_url,
                                        int64_t now) = 0;
  // The address a password-link token is for, without using it; nullopt
  // when unknown, used or expired.
  virtual base::Result<std::optional<std::string>> PasswordLinkAddress(std::string_view token,
                                                                       int64_t now) = 0;
  // Sets the password of the token's address, spending the token; kind
  // invalid for a password too short (under 10 characters) and kind
  // not_found for a token unknown, used or expired.
  virtual base::Status SetPasswordWithToken(std::string_view token, std::string_view password,
                                            int64_t now) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_ACCESS_OPERATIONS_H_
