// The report resources (see api_resources.h), read only:
//   GET /lists/{list}/bounces  members whose mail bounces
//   GET /lists/{list}/doctor   what a receiver would find wrong (live DNS)
//   GET /lists/{list}/events   the log, newest first: ?limit=50 (at most 1000)
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {

void AddReportRoutes(ApiRoutes& routes, ReportOperations& reports) {
  routes.Add("GET", "/lists/{list}/bounces", Access::kListModerator,
             [&reports](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(reports.Bounces(request.path.at("list")));
             });
  routes.Add("GET", "/lists/{list}/doctor", Access::kListModerator,
             [&reports](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(reports.Doctor(request.path.at("list"), request.now));
             });
  routes.Add("GET", "/lists/{list}/events", Access::kListModerator,
             [&reports](const ApiRequest& request) -> base::Result<ApiReply> {
               auto limit = request.QueryCount("limit", 50);
               if (!limit) return limit.failure();
               if (*limit == 0 || *limit > 1000) {
                 return base::Invalid("limit must be between 1 and 1000");
               }
               return Reply(reports.Events(request.path.at("list"), static_cast<int>(*limit)));
             });
}

}  // namespace web
