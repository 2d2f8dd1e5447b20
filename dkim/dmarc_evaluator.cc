// The DMARC check, RFC 7489 sections 3.1 and 6.6 (dmarc_evaluator.h).
#include "dkim/dmarc_evaluator.h"

#include <utility>

#include "dkim/dmarc_discovery.h"
#include "dkim/message.h"  // EqualsIgnoreCase: result keywords are case-insensitive
#include "dkim/organizational_domain.h"

namespace dkim {
namespace {

// The domain SPF checked: smtp.mailfrom is usually an address
// ("bounce@example.com"), sometimes a bare domain.
std::string SpfDomain(std::string_view mailfrom) {
  size_t at = mailfrom.rfind('@');
  if (at != std::string_view::npos) mailfrom.remove_prefix(at + 1);
  return NormalizeDomainName(mailfrom);
}

std::string Mode(bool strict) { return strict ? "strict" : "relaxed"; }

}  // namespace

std::string_view ToString(DmarcResult result) {
  switch (result) {
    case DmarcResult::kNone:
      return "none";
    case DmarcResult::kPass:
      return "pass";
    case DmarcResult::kFail:
      return "fail";
    case DmarcResult::kTempError:
      return "temperror";
    case DmarcResult::kPermError:
      return "permerror";
  }
  return "none";
}

bool DomainsAligned(std::string_view authenticated, std::string_view from_domain, bool strict) {
  std::string a = NormalizeDomainName(authenticated);
  std::string f = NormalizeDomainName(from_domain);
  if (a.empty() || f.empty()) return false;
  if (a == f) return true;
  // A public suffix is its own organizational domain, so d=com can only
  // ever align with From domain com (section 3.1.1).
  return !strict && OrganizationalDomain(a) == OrganizationalDomain(f);
}

DmarcEvaluation DmarcEvaluator::Evaluate(const DmarcInputs& inputs) {
  DmarcEvaluation eval;
  eval.from_domain = NormalizeDomainName(inputs.from_domain);
  if (eval.from_domain.empty()) {
    eval.reason = "no From domain to evaluate";
    return eval;
  }

  // Section 6.6.3: find the one record.
  DmarcDiscovery found = DiscoverDmarcRecord(eval.from_domain, dns_);
  eval.policy_domain = found.domain;
  const std::string where = "_dmarc." + found.domain;
  switch (found.outcome) {
    case DmarcDiscovery::Outcome::kNone:
      eval.reason = "no DMARC record at _dmarc." + eval.from_domain;
      if (found.domain != eval.from_domain) eval.reason += " nor at " + where;
      return eval;
    case DmarcDiscovery::Outcome::kMultiple:
      eval.reason = "more than one DMARC record at " + where + " (RFC 7489 section 6.6.3)";
      return eval;
    case DmarcDiscovery::Outcome::kTempError:
      eval.result = DmarcResult::kTempError;
      eval.reason = "DMARC lookup at " + where + " failed: " + found.error;
      return eval;
    case DmarcDiscovery::Outcome::kPermError:
      eval.result = DmarcResult::kPermError;
      eval.reason = "DMARC lookup at " + where + " failed: " + found.error;
      return eval;
    case DmarcDiscovery::Outcome::kFound:
      break;
  }
  Result<DmarcRecord> parsed = ParseDmarcRecord(found.record_text);
  if (!parsed) {
    // Section 6.6.3 step 6.2: no DMARC processing; section 11.2 names the
    // result permerror.
    eval.result = DmarcResult::kPermError;
    eval.reason = "unusable DMARC record at " + where + ": " + parsed.error();
    return eval;
  }
  eval.record = std::move(*parsed);
  const DmarcRecord& record = *eval.record;

  // Section 6.3 sp: only for a subdomain whose policy came from its
  // organizational domain (a record on the subdomain itself uses its p).
  eval.applied_policy = found.at_organizational_domain ? record.SubdomainPolicy() : record.p;

  // Sections 3.1.1 and 3.1.2: any aligned pass will do.
  bool dkim_temp = false;
  for (const SignatureResult& s : inputs.dkim) {
    if (!DomainsAligned(s.domain, eval.from_domain, record.adkim_strict)) continue;
    if (s.result == DkimResult::kPass) {
      eval.dkim_aligned = true;
      eval.dkim_domain = NormalizeDomainName(s.domain);
      break;
    }
    if (s.result == DkimResult::kTempError) dkim_temp = true;
  }
  bool spf_temp = false;
  if (inputs.spf_result && inputs.spf_domain &&
      DomainsAligned(SpfDomain(*inputs.spf_domain), eval.from_domain, record.aspf_strict)) {
    eval.spf_aligned = EqualsIgnoreCase(*inputs.spf_result, "pass");
    spf_temp = EqualsIgnoreCase(*inputs.spf_result, "temperror");
  }

  if (eval.dkim_aligned || eval.spf_aligned) {
    eval.result = DmarcResult::kPass;
    if (eval.dkim_aligned) {
      eval.reason = "DKIM d=" + eval.dkim_domain + " aligned (" + Mode(record.adkim_strict) + ")";
    } else {
      eval.reason =
          "SPF " + SpfDomain(*inputs.spf_domain) + " aligned (" + Mode(record.aspf_strict) + ")";
    }
    return eval;
  }
  if (dkim_temp || spf_temp) {
    // Section 6.6.2: a temporary error may hide a pass; do not apply the
    // policy on it.
    eval.result = DmarcResult::kTempError;
    eval.reason = std::string("no aligned pass, and an aligned ") + (dkim_temp ? "DKIM" : "SPF") +
                  " check failed temporarily";
    return eval;
  }
  eval.result = DmarcResult::kFail;
  eval.reason = "no aligned DKIM (adkim=" + std::string(record.adkim_strict ? "s" : "r") +
                ") or SPF (aspf=" + std::string(record.aspf_strict ? "s" : "r") + ") pass";
  return eval;
}

}  // namespace dkim
