// DMARC and Authentication-Results, both ways: the dmarc= result a
// verifier appends to its own field ("dmarc=fail (p=reject sp=none)
// header.from=example.org"), and the SPF outcome DMARC needs, read from a
// field written by a trusted upstream (DmarcInputs, dmarc_evaluator.h).
//
// STANDARDS
//   RFC 8601 section 2.7.x and RFC 7489 section 11.2 (method "dmarc", its
//   results, ptype "header" property "from"); RFC 8601 section 2.7.2 (spf
//   results, smtp.mailfrom). Policy and pct go into the comment, as the
//   comment carries the DKIM reasons (auth_results.h): it is for people.
//
// LIMITS
//   Trust is the caller's: pass only fields whose authserv-id is
//   configured as trusted (RFC 8601 section 5). The first spf= result of
//   the field is used; smtp.helo is ignored (RFC 7489 section 3.1.2).
//
// Thread-safety: pure functions.
#ifndef LISTD_DKIM_DMARC_AUTH_RESULTS_H_
#define LISTD_DKIM_DMARC_AUTH_RESULTS_H_

#include "dkim/auth_results.h"
#include "dkim/dmarc_evaluator.h"

namespace dkim {

// The dmarc= resinfo for `eval`, to append to an AuthenticationResults
// (for example the one DkimAuthenticationResults built).
AuthResult DmarcAuthResult(const DmarcEvaluation& eval);

// Copies the first spf= result of `trusted` and its smtp.mailfrom into
// `inputs`; returns false (leaving `inputs` alone) when there is none.
bool ReadSpfFromAuthenticationResults(const AuthenticationResults& trusted, DmarcInputs& inputs);

}  // namespace dkim

#endif  // LISTD_DKIM_DMARC_AUTH_RESULTS_H_
