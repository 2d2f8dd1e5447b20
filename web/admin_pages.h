// AdminPages: the pages a list's owners and moderators (and the site's
// admins) manage lists with, as thin pages over the same operations the
// REST API uses (web/*_operations.h): nothing here decides what listd
// does, it asks and shows the answer.
//
// The pages, under /admin:
//   /admin                          the lists the login may see, each with
//                                   its health at a glance
//   /admin/lists/{list}/settings    every catalogue setting (owner)
//   /admin/lists/{list}/signing     the signing panel and the key rollover
//                                   (RFC 6376 section 3.6, RFC 5863 section
//                                   3.5) as one guided page (owner)
//   /admin/lists/{list}/members     search, add, remove, change, import,
//                                   export (reading: moderator; changing:
//                                   owner)
//   /admin/lists/{list}/held        held posts, a safe view, approve /
//                                   reject / discard (moderator)
//   /admin/lists/{list}/requests    subscription requests (moderator)
//   /admin/lists/{list}/bans        bans (reading: moderator; changing:
//                                   owner)
//   /admin/lists/{list}/events      the events log (moderator)
//
// Contract: every GET only reads (a live DNS lookup is a read); every POST
// is checked against the session's CSRF token by PageRoutes before its
// handler runs, and answers with a redirect to the page it changed (so a
// reload does not repeat it) or, when refused, that page again with why.
// Access is checked per route by PageRoutes (PageAccess), so a login for
// one list never opens another's pages. Values reach the templates as
// JSON and are escaped there; a held post's HTML is never shown as HTML.
//
// The operations must outlive the pages. Thread-safety: as PageRoutes.
#ifndef LISTD_WEB_ADMIN_PAGES_H_
#define LISTD_WEB_ADMIN_PAGES_H_

#include "web/ban_operations.h"
#include "web/key_operations.h"
#include "web/list_operations.h"
#include "web/member_operations.h"
#include "web/moderation_operations.h"
#include "web/page_routes.h"
#include "web/report_operations.h"

namespace web {

// The operations the admin pages read and change through.
struct AdminOperations {
  ListOperations& lists;
  MemberOperations& members;
  KeyOperations& keys;
  ModerationOperations& moderation;
  BanOperations& bans;
  ReportOperations& reports;
};

class AdminPages {
 public:
  explicit AdminPages(AdminOperations operations) : ops_(operations) {}
  // Adds every admin page to `pages`.
  void Install(PageRoutes& pages);

 private:
  void InstallOverview(PageRoutes& pages);
  void InstallSettings(PageRoutes& pages);
  void InstallSigning(PageRoutes& pages);
  void InstallMembers(PageRoutes& pages);
  void InstallModeration(PageRoutes& pages);
  void InstallBans(PageRoutes& pages);

  AdminOperations ops_;
};

}  // namespace web

#endif  // LISTD_WEB_ADMIN_PAGES_H_
