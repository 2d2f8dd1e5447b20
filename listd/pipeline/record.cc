// Stage 3, record (record.h says what and why; the STANDARDS and LIMITS
// are there).
#include "listd/pipeline/record.h"

#include "dkim/arc_auth_results.h"
#include "dkim/dmarc_auth_results.h"

#include "dkim/auth_results.h"

namespace listd::pipeline {

std::string AuthenticationResultsField(const Authentication& auth, std::string_view authserv_id) {
  dkim::AuthenticationResults results =
      dkim::DkimAuthenticationResults(std::string(authserv_id), auth.dkim);
  // With arc= and dmarc= beside it, an unsigned post's "dkim=none" is
  // written out rather than left implicit (RFC 8601 section 2.7.1).
  if (results.results.empty()) results.results.push_back({"dkim", "none", "", {}, {}});
  results.results.push_back(dkim::ArcAuthResult(auth.arc));
  if (auth.dmarc) results.results.push_back(dkim::DmarcAuthResult(*auth.dmarc));
  return dkim::FormatAuthenticationResults(results);
}

std::string Record(const Authentication& auth, std::string_view authserv_id) {
  // RFC 8601 section 4: fields are added at the top (RFC 5322 section 3.6),
  // so the newest results are the first a reader meets.
  return AuthenticationResultsField(auth, authserv_id) + auth.message;
}

std::string AuthenticationSummary(const Authentication& auth) {
  std::string out = auth.dkim.empty() ? "dkim=none" : "";
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
  out += " arc=";
  out += dkim::ToString(auth.arc.result);
  if (auth.dmarc) {
    out += " dmarc=";
    out += dkim::ToString(auth.dmarc->result);
    out += "(" + auth.dmarc->from_domain +
           " p=" + std::string(dkim::ToString(auth.dmarc->applied_policy)) + ")";
  }
  return out;
}

}  // namespace listd::pipeline
