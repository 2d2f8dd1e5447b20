// The arc= result of an Authentication-Results field (RFC 8617 section 6):
// the chain's verdict, the reason of a failure as a comment, and
// header.oldest-pass when known. Shared by listctl arc and the daemon.
#ifndef LISTD_DKIM_ARC_AUTH_RESULTS_H_
#define LISTD_DKIM_ARC_AUTH_RESULTS_H_

#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"

namespace dkim {

// The arc= resinfo for `validation`.
AuthResult ArcAuthResult(const ArcValidation& validation);

}  // namespace dkim

#endif  // LISTD_DKIM_ARC_AUTH_RESULTS_H_
