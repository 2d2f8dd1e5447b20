// ReportFace (see report_face.h).
#include "listd/webface/report_face.h"

#include "listd/service/bounce_service.h"
#include "listd/service/doctor.h"
#include "listd/service/list_service.h"
#include "listd/views/doctor_view.h"
#include "listd/views/event_view.h"
#include "listd/views/member_bounce_view.h"

namespace listd::webface {

using Json = nlohmann::json;

base::Result<Json> ReportFace::Bounces(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    // Listing sends no mail: no templates are needed.
    auto listed = service::BounceService(store, "", "").Listed(list);
    if (!listed) return listed.failure();
    Json out = Json::array();
    for (const storage::MemberBounce& entry : listed->members) {
      out.push_back(views::MemberBounceView(entry));
    }
    return out;
  });
}

base::Result<Json> ReportFace::Doctor(const std::string& list, int64_t now) {
  auto dns = resolvers_();
  if (!dns) return dns.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto report = service::Diagnose(store, list, **dns, now);
    if (!report) return report.failure();
    return views::DoctorReportView(*report);
  });
}

base::Result<Json> ReportFace::Events(const std::string& list, int limit) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto events = service::ListService(store, "").Events(list, limit);
    if (!events) return events.failure();
    Json out = Json::array();
    for (const storage::EventRecord& event : *events) out.push_back(views::EventView(event));
    return out;
  });
}

}  // namespace listd::webface
