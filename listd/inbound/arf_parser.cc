// ARF parser (arf_parser.h says what and why).
#include "listd/inbound/arf_parser.h"

#include "base/ascii.h"
#include "listd/inbound/bounce_recipients.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

constexpr size_t kMaxKeptField = 300;

std::string Kept(const FieldGroup& group, std::string_view name) {
  const std::string* value = FindField(group, name);
  return value == nullptr ? std::string() : SafeLine(*value, kMaxKeptField);
}

}  // namespace

void ParseFeedbackReport(std::string_view feedback, const FieldGroup& returned,
                         BounceReport& report) {
  report.kind = BounceKind::kComplaint;
  report.recogniser = "arf";
  const std::vector<FieldGroup> groups = ReadFieldGroups(feedback, 4);
  FieldGroup fields;
  for (const FieldGroup& group : groups) fields.insert(fields.end(), group.begin(), group.end());
  if (const std::string* type = FindField(fields, "feedback-type")) {
    report.complaint.feedback_type = base::LowerAscii(SafeLine(*type, 40));
  }
  report.complaint.list_id = Kept(returned, "list-id");
  report.complaint.message_id = Kept(returned, "message-id");
  report.complaint.to = Kept(returned, "to");
  report.reason = "RFC 5965 feedback report (" +
                  (report.complaint.feedback_type.empty() ? std::string("no Feedback-Type")
                                                          : report.complaint.feedback_type) +
                  ")";
  // RFC 5965 section 3.2: Original-Rcpt-To, the RCPT TO the reporter
  // received (bare, or with rfc822; like a DSN field); each field once.
  for (const ReportField& field : fields) {
    if (field.name != "original-rcpt-to") continue;
    std::string_view value = field.value;
    if (const size_t semi = value.find(';'); semi != std::string_view::npos) {
      value.remove_prefix(semi + 1);
    }
    BounceRecipient recipient;
    recipient.action = "complained";
    recipient.recogniser = "arf";
    recipient.diagnostic = report.complaint.feedback_type;
    if (AddBounceRecipient(report, value, std::move(recipient)) &&
        report.complaint.original_rcpt.empty()) {
      report.complaint.original_rcpt = report.recipients.back().address;
    }
  }
}

}  // namespace listd::inbound
