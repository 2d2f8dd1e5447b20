// Bounce report, as the bounce parser's files name it: the value type
// lives in listd/service/bounce_report.h (every face reads it); these are
// its names inside listd::inbound.
#ifndef LISTD_LISTD_INBOUND_BOUNCE_REPORT_H_
#define LISTD_LISTD_INBOUND_BOUNCE_REPORT_H_

#include "listd/service/bounce_report.h"

namespace listd::inbound {

using service::BounceKind;
using service::BounceRecipient;
using service::BounceReport;
using service::ComplaintSource;
using service::FailureClass;
using service::kMaxBounceRecipients;
using service::kMaxDiagnosticBytes;
using service::ToString;

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_BOUNCE_REPORT_H_
