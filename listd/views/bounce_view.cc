#include "listd/views/bounce_view.h"

#include <string>

namespace listd::views {

Json BounceView(const service::BounceReport& report) {
  Json recipients = Json::array();
  for (const service::BounceRecipient& recipient : report.recipients) {
    recipients.push_back({{"address", recipient.address},
                          {"status", recipient.status},
                          {"action", recipient.action},
                          {"class", std::string(service::ToString(recipient.failure_class))},
                          {"diagnostic", recipient.diagnostic},
                          {"remote_mta", recipient.remote_mta},
                          {"recogniser", recipient.recogniser}});
  }
  Json out = {{"kind", std::string(service::ToString(report.kind))},
              {"recogniser", report.recogniser},
              {"reason", report.reason},
              {"truncated", report.truncated},
              {"recipients", std::move(recipients)},
              {"refused", report.refused}};
  if (report.kind == service::BounceKind::kComplaint) {
    out["complaint"] = {{"feedback_type", report.complaint.feedback_type},
                        {"original_rcpt", report.complaint.original_rcpt},
                        {"list_id", report.complaint.list_id},
                        {"message_id", report.complaint.message_id},
                        {"to", report.complaint.to}};
  }
  return out;
}

}  // namespace listd::views
