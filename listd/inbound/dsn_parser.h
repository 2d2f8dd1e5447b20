// DSN parser: the machine-readable part of an RFC 3464 delivery status
// notification (message/delivery-status, RFC 3464 section 2), read into
// bounce recipients. Also the header-style field reader the feedback
// report (arf_parser.h) shares, since both are "groups of fields
// separated by blank lines" (RFC 3464 section 2.1).
//
// Contract: pure text in, findings out. The first group is the
// per-message one (Reporting-MTA, RFC 3464 section 2.2); every later
// group that names a Final-Recipient or an Original-Recipient is one
// recipient (section 2.3). A group without either adds nothing, and a
// report whose groups add nothing says so in report.reason.
//   address   Original-Recipient when present and valid (it is the
//             address the list sent to, RFC 3464 section 2.3.1), else
//             Final-Recipient (2.3.2); address type rfc822 or utf-8
//             (RFC 6533 section 3), or none given; other types refused.
//   action    section 2.3.3, lower-cased; delivered, relayed and expanded
//             are successes and add no recipient.
//   status    section 2.3.4, the RFC 3463 code "class.subject.detail".
//   class     Action delayed, or a status of class 4, is temporary, never
//             permanent (RFC 3463 section 3.1: 4.X.X is a persistent
//             transient failure); class 5 or Action failed without a
//             status is permanent.
//   diagnostic  Diagnostic-Code without its type (section 2.3.6), else
//             the status text; Remote-MTA without its type (2.3.5).
//
// LIMITS
//   At most kMaxFieldGroups groups and kMaxFieldBytes per field value are
//   read; recipients are bounded by AddBounceRecipient.
#ifndef LISTD_LISTD_INBOUND_DSN_PARSER_H_
#define LISTD_LISTD_INBOUND_DSN_PARSER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "listd/inbound/bounce_report.h"

namespace listd::inbound {

inline constexpr size_t kMaxFieldGroups = 20000;
inline constexpr size_t kMaxFieldBytes = 4096;

struct ReportField {
  std::string name;   // lower-cased
  std::string value;  // unfolded, trimmed, at most kMaxFieldBytes
};
using FieldGroup = std::vector<ReportField>;

// The groups of `text` (unfolded fields; blank lines between groups).
std::vector<FieldGroup> ReadFieldGroups(std::string_view text, size_t max_groups);

// The value of the first field `lower_name` in `group`, or nullptr.
const std::string* FindField(const FieldGroup& group, std::string_view lower_name);

// The RFC 3463 code at the start of `text` ("5.1.1 (User unknown)" ->
// "5.1.1"), or nullopt when there is none. Class must be 2, 4 or 5.
std::optional<std::string> StatusCodeAt(std::string_view text);

// The first RFC 3463 code anywhere in `text`, or "".
std::string FindStatusCode(std::string_view text);

// Adds the recipients of a message/delivery-status body to `report`
// (see the contract); returns how many recipient groups it read.
size_t ParseDeliveryStatus(std::string_view body, BounceReport& report);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_DSN_PARSER_H_
