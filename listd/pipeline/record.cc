// Stage 3, record (record.h says what and why; the STANDARDS and LIMITS
// are there).
#include "listd/pipeline/record.h"

#include "dkim/auth_results.h"

namespace listd::pipeline {

std::string AuthenticationResultsField(const Authentication& auth, std::string_view authserv_id) {
  return dkim::FormatAuthenticationResults(
      dkim::DkimAuthenticationResults(std::string(authserv_id), auth.dkim));
}

std::string Record(const Authentication& auth, std::string_view authserv_id) {
  // RFC 8601 section 4: fields are added at the top (RFC 5322 section 3.6),
  // so the newest results are the first a reader meets.
  return AuthenticationResultsField(auth, authserv_id) + auth.message;
}

std::string AuthenticationSummary(const Authentication& auth) {
  if (auth.dkim.empty()) return "dkim=none";
  std::string out;
  for (const dkim::SignatureResult& s : auth.dkim) {
    if (!out.empty()) out += ' ';
    out += "dkim=";
    out += dkim::ToString(s.result);
    std::string detail = s.domain;
    std::string why = s.reason;
    if (s.key_testing) why += why.empty() ? "key in testing mode" : "; key in testing mode";
    if (!why.empty()) detail += detail.empty() ? why : ": " + why;
    if (!detail.empty()) out += "(" + detail + ")";
  }
  return out;
}

}  // namespace listd::pipeline
