// ApiFaces: the REST API's resources as listd implements them, one face a
// family (lists, members, keys, moderation, bans, reports), over one
// SharedStore, and the routes that call them (web/api_resources.h).
//
// Lifecycle: made before the server starts, outliving it (the routes hold
// references to the faces).
#ifndef LISTD_LISTD_WEBFACE_API_FACES_H_
#define LISTD_LISTD_WEBFACE_API_FACES_H_

#include <string>

#include "listd/webface/ban_face.h"
#include "listd/webface/dns_resolvers.h"
#include "listd/webface/key_face.h"
#include "listd/webface/list_face.h"
#include "listd/webface/member_face.h"
#include "listd/webface/moderation_face.h"
#include "listd/webface/report_face.h"
#include "listd/webface/shared_store.h"
#include "web/api_routes.h"

namespace listd::webface {

struct ApiFaces {
  // `templates_dir` holds listd's mail templates (notices, footers).
  ApiFaces(SharedStore& store, const std::string& templates_dir, const ResolverFactory& resolvers)
      : lists(store),
        members(store),
        keys(store, resolvers),
        moderation(store, templates_dir, resolvers),
        bans(store),
        reports(store, resolvers) {}

  // Adds every resource's routes to `routes`.
  void Install(web::ApiRoutes& routes);

  ListFace lists;
  MemberFace members;
  KeyFace keys;
  ModerationFace moderation;
  BanFace bans;
  ReportFace reports;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_API_FACES_H_
