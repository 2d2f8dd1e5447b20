// SubscriberPages: the public pages of the lists, for people who are not
// logged in: the advertised lists, a list's info page with its subscribe
// and unsubscribe-request forms, the confirm page, the one-click
// unsubscribe URL and the member's preferences.
//
// - GET /lists, GET /lists/{list}: an unadvertised list is the same 404 as
//   an unknown one.
// - POST /lists/{list}/subscribe and .../unsubscribe: a timed form token
//   (back no sooner than kRequestMinAge seconds, within the hour), then
//   SubscriberOperations, whose limits are the mail path's. The answer is
//   the same sentence whether or not the address is a member.
// - GET /confirm/{token} shows what is to be confirmed and a button; its
//   POST confirms. GET /u/{token} shows the member and a button; POST
//   /u/{token} with List-Unsubscribe=One-Click (RFC 8058 section 3.1: no
//   cookie, no form token, the URL's token is the proof) unsubscribes, and
//   the button sends the same body. GET and POST /preferences/{token}:
//   delivery on or off.
// - A GET never changes state (mail scanners follow links). Invalid
//   tokens get one neutral 404 page and change nothing.
//
// Thread-safety: the pages run on the server's threads; SubscriberOperations
// must allow that.
#ifndef LISTD_WEB_SUBSCRIBER_PAGES_H_
#define LISTD_WEB_SUBSCRIBER_PAGES_H_

#include <cstdint>

#include "web/page_routes.h"
#include "web/subscriber_operations.h"

namespace web {

// Seconds a subscribe or unsubscribe-request form must have been shown
// before it may come back (a person reads and types; a script does not).
inline constexpr int64_t kRequestMinAge = 3;

class SubscriberPages {
 public:
  explicit SubscriberPages(SubscriberOperations& operations) : operations_(operations) {}
  // Adds the routes above.
  void Install(PageRoutes& pages);

 private:
  SubscriberOperations& operations_;
};

}  // namespace web

#endif  // LISTD_WEB_SUBSCRIBER_PAGES_H_
