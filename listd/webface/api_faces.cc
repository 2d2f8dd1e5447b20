// ApiFaces (see api_faces.h).
#include "listd/webface/api_faces.h"

#include "web/api_resources.h"

namespace listd::webface {

void ApiFaces::Install(web::ApiRoutes& routes) {
  web::AddListRoutes(routes, lists);
  web::AddMemberRoutes(routes, members);
  web::AddKeyRoutes(routes, keys);
  web::AddModerationRoutes(routes, moderation);
  web::AddBanRoutes(routes, bans);
  web::AddReportRoutes(routes, reports);
}

}  // namespace listd::webface
