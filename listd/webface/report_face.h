// ReportFace: web::ReportOperations over BounceService, the doctor and
// ListService's events, with their views, on the web face's shared store:
// what `listctl bounce ls`, `listctl doctor` and `listctl list events`
// print with --json. The doctor looks records up through a resolver made
// for the call.
// Thread-safety: any thread (SharedStore serialises the calls).
#ifndef LISTD_LISTD_WEBFACE_REPORT_FACE_H_
#define LISTD_LISTD_WEBFACE_REPORT_FACE_H_

#include <utility>

#include "listd/webface/dns_resolvers.h"
#include "listd/webface/shared_store.h"
#include "web/report_operations.h"

namespace listd::webface {

class ReportFace : public web::ReportOperations {
 public:
  ReportFace(SharedStore& store, ResolverFactory resolvers)
      : store_(store), resolvers_(std::move(resolvers)) {}

  base::Result<nlohmann::json> Bounces(const std::string& list) override;
  base::Result<nlohmann::json> Doctor(const std::string& list, int64_t now) override;
  base::Result<nlohmann::json> Events(const std::string& list, int limit) override;

 private:
  SharedStore& store_;
  ResolverFactory resolvers_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_REPORT_FACE_H_
