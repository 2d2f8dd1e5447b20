// DmarcEvaluator: the DMARC check of one message, RFC 7489 section 6.6:
// find the author domain's policy record, see whether a passing DKIM
// signature or a passing SPF check is aligned with the RFC 5322 From
// domain, and say which policy the owner asks for when neither is.
//
// The caller supplies the inputs (DmarcInputs): the From domain (one
// domain, an A-label; section 6.6.1's handling of several or no From
// addresses is the caller's), the results of dkim::Verifier, and SPF as a
// trusted upstream Authentication-Results reported it (spf=pass
// smtp.mailfrom=...; dmarc_auth_results.h reads it out of one). Whether to
// quarantine or reject, and pct sampling, are the receiver's decisions:
// the evaluation only reports them.
//
// STANDARDS
//   RFC 7489 section 3.1.1 (DKIM alignment: a passing signature whose d= is
//   the From domain, strict, or shares its organizational domain, relaxed),
//   section 3.1.2 (SPF alignment, the same with the MAIL FROM domain),
//   section 3.2 (organizational domain, organizational_domain.h),
//   section 6.3 (p, sp, adkim, aspf, pct), section 6.6.2 (pass needs one
//   aligned pass; an aligned temporary error with no pass is temperror),
//   section 6.6.3 (policy discovery: _dmarc.<From domain>, then
//   _dmarc.<organizational domain>; records not starting with v=DMARC1
//   discarded; several records: no DMARC processing), section 11.2 (the
//   result names none, pass, fail, temperror, permerror).
//
// Results:
//   none       no record (NXDOMAIN, no TXT, no v=DMARC1 TXT, or more than
//              one v=DMARC1 record at the name that answered), or no From
//              domain to look up
//   pass       a record, and an aligned DKIM or SPF pass
//   fail       a record, and no aligned pass (applied_policy says what the
//              owner asks for)
//   temperror  the policy lookup failed temporarily (SERVFAIL, timeout), or
//              no aligned pass while an aligned DKIM signature or the
//              aligned SPF check had a temporary error (section 6.6.2)
//   permerror  the one record found is unusable (dmarc_record.h), or DNS
//              answered with a permanent error; no policy is applied
//
// LIMITS
//   Two TXT lookups at most per message; no cache here (the TxtResolver
//   may keep one). pct is reported, never sampled. The SPF domain is
//   taken after the last '@' of smtp.mailfrom; HELO identities are not
//   used (section 3.1.2).
//
// Thread-safety: an evaluator uses its resolver without locking; use one
// per thread unless the resolver is thread-safe.
#ifndef LISTD_DKIM_DMARC_EVALUATOR_H_
#define LISTD_DKIM_DMARC_EVALUATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/dmarc_record.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"

namespace dkim {

struct DmarcInputs {
  std::string from_domain;                // the RFC 5322 From domain (A-label)
  std::vector<SignatureResult> dkim;      // Verifier::Verify's results
  std::optional<std::string> spf_result;  // "pass", "fail", ... from a trusted A-R
  std::optional<std::string> spf_domain;  // MAIL FROM domain (or address) SPF checked
};

enum class DmarcResult { kNone, kPass, kFail, kTempError, kPermError };

// "none", "pass", "fail", "temperror", "permerror" (RFC 7489 section 11.2).
std::string_view ToString(DmarcResult result);

struct DmarcEvaluation {
  DmarcResult result = DmarcResult::kNone;
  std::optional<DmarcRecord> record;  // the record that was applied, if any
  std::string from_domain;            // normalised: lower case, no trailing dot
  std::string policy_domain;          // where the record was found (or looked for last)
  // p, or sp when the From domain is a subdomain and the record came from
  // its organizational domain (section 6.3 sp); kNone without a record.
  DmarcPolicy applied_policy = DmarcPolicy::kNone;
  bool dkim_aligned = false;  // an aligned DKIM signature passed
  bool spf_aligned = false;   // SPF passed for an aligned MAIL FROM domain
  std::string dkim_domain;    // d= of the first aligned passing signature
  std::string reason;         // one sentence for logs and the A-R comment
};

class DmarcEvaluator {
 public:
  // `dns` must outlive the evaluator.
  explicit DmarcEvaluator(TxtResolver& dns) : dns_(dns) {}

  // Evaluates one message's inputs.
  DmarcEvaluation Evaluate(const DmarcInputs& inputs);

 private:
  TxtResolver& dns_;
};

// Section 3.1.1 / 3.1.2: whether `authenticated` is aligned with
// `from_domain`, exactly (strict) or by organizational domain (relaxed).
bool DomainsAligned(std::string_view authenticated, std::string_view from_domain, bool strict);

}  // namespace dkim

#endif  // LISTD_DKIM_DMARC_EVALUATOR_H_
