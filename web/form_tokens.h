// FormTokens: the hidden field every form carries, so that a POST is known
// to come from a page this server served.
//
// Two kinds, both an HMAC-SHA256 under a secret the server holds (made
// from the CSPRNG at start unless listd passes one), so nothing needs
// storing:
// - CSRF tokens, for forms shown to a logged-in user: the MAC of the
//   session id. A POST whose token does not match its session cookie is
//   refused (403); a forged page on another site cannot know it.
// - Timed tokens, for forms shown to anyone (login, subscribe,
//   unsubscribe): the time the form was served, its purpose and the
//   client's binding (a cookie set with the form), with their MAC. It must
//   come back no sooner than `min_age` (a person reads and types; a
//   subscription-bombing script posts at once) and no later than
//   `max_age` (an hour by default).
//
// Comparison is constant-time. Thread-safety: immutable after
// construction; every call may come from any thread.
#ifndef LISTD_WEB_FORM_TOKENS_H_
#define LISTD_WEB_FORM_TOKENS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace web {

class FormTokens {
 public:
  // `secret` of at least 32 bytes; "" draws one from the CSPRNG.
  explicit FormTokens(std::string secret = "");

  // The CSRF token of a session.
  std::string CsrfFor(std::string_view session_id) const;
  // Whether `token` is the CSRF token of `session_id`.
  bool IsCsrfOf(std::string_view token, std::string_view session_id) const;

  // A timed token for a form of `purpose` ("subscribe") served at `now` to
  // the client bound by `binding` (e.g. a pre-session cookie value).
  std::string Timed(std::string_view purpose, std::string_view binding, int64_t now) const;
  // Checks a timed token; kind forbidden, with the reason a person can
  // read, when it is forged, for another form, too young or too old.
  base::Status CheckTimed(std::string_view token, std::string_view purpose,
                          std::string_view binding, int64_t now, int64_t min_age,
                          int64_t max_age) const;

  // base64url of `bytes` fresh bytes from the CSPRNG (session-less cookie
  // values).
  static std::string RandomToken(size_t bytes = 32);

 private:
  std::string Mac(std::string_view message) const;
  std::string secret_;
};

}  // namespace web

#endif  // LISTD_WEB_FORM_TOKENS_H_
