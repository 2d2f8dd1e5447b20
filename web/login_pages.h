// LoginPages: logging in and out, and setting a password through a link
// mailed to the person (for a list's owners and moderators).
//
// - POST /login checks the password through AccessOperations. Wrong
//   attempts are counted per account and per client address: after 10
//   wrong ones for an account in a minute (30 from one address), further
//   attempts are refused without being checked, right or wrong, until the
//   minute has passed. A login opens a new session (a new id: any id the
//   browser held before is never made valid) and forgets the browser's
//   pre-login binding.
// - POST /logout closes the session.
// - /password asks for a link; the answer is the same whether or not the
//   address has an account. /password/{token} sets the password (the
//   link's token is spent).
// `next` after a login is followed only when it is a path of this site.
//
// Thread-safety: the counters are; the pages run on the server's threads.
#ifndef LISTD_WEB_LOGIN_PAGES_H_
#define LISTD_WEB_LOGIN_PAGES_H_

#include "web/access_operations.h"
#include "web/page_routes.h"
#include "web/rate_limiter.h"

namespace web {

class LoginPages {
 public:
  explicit LoginPages(AccessOperations& access) : access_(access) {}
  // Adds /login, /logout, /password and /password/{token}.
  void Install(PageRoutes& pages);

 private:
  AccessOperations& access_;
  RateLimiter wrong_per_account_{10, 60};
  RateLimiter wrong_per_client_{30, 60};
  RateLimiter links_per_client_{5, 3600};
};

// Whether `next` is a path on this site ("/lists/x", not "//evil" or
// "https://evil").
bool IsLocalPath(const std::string& next);

}  // namespace web

#endif  // LISTD_WEB_LOGIN_PAGES_H_
