// The REST API's resources: each family's routes added to an ApiRoutes
// over the operations listd implements (web/*_operations.h). Each Add...
// function adds its family's routes with the access each needs:
// moderators read and moderate, owners change settings, members, keys and
// bans, a site token creates and removes lists and the site's bans.
// web/openapi.json documents every route these add (a test checks both
// ways).
//
// The operations must outlive the routes.
#ifndef LISTD_WEB_API_RESOURCES_H_
#define LISTD_WEB_API_RESOURCES_H_

#include "web/api_routes.h"
#include "web/ban_operations.h"
#include "web/key_operations.h"
#include "web/list_operations.h"
#include "web/member_operations.h"
#include "web/moderation_operations.h"
#include "web/report_operations.h"

namespace web {

// The most members one page holds (`count` above it is kind invalid).
constexpr int64_t kMaxMembersPage = 1000;

// /lists, /lists/{list}, /lists/{list}/settings.
void AddListRoutes(ApiRoutes& routes, ListOperations& lists);
// /lists/{list}/members[...]: pages, add, change, remove, import, export.
void AddMemberRoutes(ApiRoutes& routes, MemberOperations& members);
// /lists/{list}/keys[...]: the key life cycle.
void AddKeyRoutes(ApiRoutes& routes, KeyOperations& keys);
// /lists/{list}/held[...] and /lists/{list}/requests[...].
void AddModerationRoutes(ApiRoutes& routes, ModerationOperations& moderation);
// /lists/{list}/bans[...] and the site's /bans[...].
void AddBanRoutes(ApiRoutes& routes, BanOperations& bans);
// /lists/{list}/bounces, /lists/{list}/doctor, /lists/{list}/events.
void AddReportRoutes(ApiRoutes& routes, ReportOperations& reports);

}  // namespace web

#endif  // LISTD_WEB_API_RESOURCES_H_
