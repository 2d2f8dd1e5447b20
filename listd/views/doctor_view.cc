// The doctor view (see doctor_view.h).
#include "listd/views/doctor_view.h"

namespace listd::views {

Json DoctorReportView(const service::DoctorReport& report) {
  int errors = 0, warnings = 0, notes = 0;
  Json findings = Json::array();
  for (const service::Finding& f : report.findings) {
    (f.severity == service::Severity::kError     ? errors
     : f.severity == service::Severity::kWarning ? warnings
                                                 : notes)++;
    findings.push_back({{"severity", std::string(service::ToString(f.severity))},
                        {"code", f.code},
                        {"message", f.message},
                        {"fix", f.fix}});
  }
  return {{"list", report.list}, {"signing_domain", report.signing_domain},
          {"errors", errors},    {"warnings", warnings},
          {"notes", notes},      {"findings", findings}};
}

}  // namespace listd::views
