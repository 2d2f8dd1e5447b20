// The doctor's findings as JSON (`doctor --json`, later the REST API).
#ifndef LISTD_LISTD_VIEWS_DOCTOR_VIEW_H_
#define LISTD_LISTD_VIEWS_DOCTOR_VIEW_H_

#include "listd/service/doctor.h"
#include "listd/views/json.h"

namespace listd::views {

// {"list", "signing_domain", "errors", "warnings", "notes", "findings":
// [{"severity", "code", "message", "fix"}]}
Json DoctorReportView(const service::DoctorReport& report);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_DOCTOR_VIEW_H_
