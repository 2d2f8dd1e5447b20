// dmarc= results and upstream spf= results (dmarc_auth_results.h).
#include "dkim/dmarc_auth_results.h"

#include <string>
#include <string_view>

#include "dkim/message.h"  // EqualsIgnoreCase: methods and properties are case-insensitive

namespace dkim {

AuthResult DmarcAuthResult(const DmarcEvaluation& eval) {
  AuthResult r;
  r.method = "dmarc";
  r.result = std::string(ToString(eval.result));
  if (eval.record) {
    // What the owner asks for, as receivers commonly note it; the applied
    // policy is p= or sp= (section 6.3), pct only when it samples.
    const DmarcRecord& record = *eval.record;
    r.reason = "p=" + std::string(ToString(record.p));
    if (record.sp) r.reason += " sp=" + std::string(ToString(*record.sp));
    if (record.pct != 100) r.reason += " pct=" + std::to_string(record.pct);
    if (eval.result == DmarcResult::kFail) {
      r.reason += " applied=" + std::string(ToString(eval.applied_policy));
    }
    if (eval.result != DmarcResult::kPass && eval.result != DmarcResult::kFail) {
      r.reason += "; " + eval.reason;
    }
  } else {
    r.reason = eval.reason;
  }
  if (!eval.from_domain.empty()) r.properties.emplace_back("header.from", eval.from_domain);
  return r;
}

bool ReadSpfFromAuthenticationResults(const AuthenticationResults& trusted, DmarcInputs& inputs) {
  for (const AuthResult& r : trusted.results) {
    if (!EqualsIgnoreCase(r.method, "spf")) continue;
    inputs.spf_result = r.result;
    inputs.spf_domain.reset();
    for (const auto& [name, value] : r.properties) {
      if (EqualsIgnoreCase(name, "smtp.mailfrom")) {
        inputs.spf_domain = value;
        break;
      }
    }
    return true;
  }
  return false;
}

}  // namespace dkim
