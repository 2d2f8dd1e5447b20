// ReportOperations: what the REST API's read-only reports need of listd:
// the members whose mail bounces, the doctor's findings on the list's
// signing (a live DNS lookup), and the events log, as listd's views
// (listd/webface/report_face.h).
//
// Contract: nothing here changes anything. DNS that cannot be set up is
// kind unavailable.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_REPORT_OPERATIONS_H_
#define LISTD_WEB_REPORT_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"

namespace web {

class ReportOperations {
 public:
  virtual ~ReportOperations() = default;

  // Members with a bounce score, a bounce state or delivery disabled by
  // bounces: [member bounce view].
  virtual base::Result<nlohmann::json> Bounces(const std::string& list) = 0;
  // The doctor's report: {"list", "signing_domain", "errors", "warnings",
  // "notes", "findings"}.
  virtual base::Result<nlohmann::json> Doctor(const std::string& list, int64_t now) = 0;
  // The newest `limit` events, newest first.
  virtual base::Result<nlohmann::json> Events(const std::string& list, int limit) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_REPORT_OPERATIONS_H_
