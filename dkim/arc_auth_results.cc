// ArcAuthResult (see arc_auth_results.h).
#include "dkim/arc_auth_results.h"

#include <string>

namespace dkim {

AuthResult ArcAuthResult(const ArcValidation& validation) {
  AuthResult r;
  r.method = "arc";
  r.result = std::string(ToString(validation.result));
  r.reason = validation.reason;
  if (validation.oldest_pass) {
    r.properties.emplace_back("header.oldest-pass", std::to_string(*validation.oldest_pass));
  }
  return r;
}

}  // namespace dkim
