// Authentication-Results, RFC 8601: the header field in which a verifier
// records what it found, and a parser for the ones that arrive with a
// message (a later pipeline stage trusts them only from configured
// authserv-ids and strips any that claim ours, RFC 8601 section 5).
//
// The writer folds at 78 columns (RFC 5322 section 2.1.1) between results
// and properties and quotes values that are not RFC 2045 tokens.
#ifndef LISTD_DKIM_AUTH_RESULTS_H_
#define LISTD_DKIM_AUTH_RESULTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dkim/result.h"
#include "dkim/verifier.h"

namespace dkim {

// One resinfo: "dkim=pass (reason) header.d=example.com header.s=sel".
struct AuthResult {
  std::string method;   // "dkim", "spf", "dmarc", "arc", ...
  std::string result;   // "pass", "fail", ...
  std::string reason;   // reason= (parsed) or the comment we write; may be empty
  // ptype.property=value, in order: {"header.d", "example.com"}.
  std::vector<std::pair<std::string, std::string>> properties;
  // The method-version in "dkim/1=pass" (RFC 8601 section 2.6), when given.
  std::optional<int> method_version;

  // The value of ptype.property, if present.
  std::optional<std::string> Property(std::string_view name) const;
};

struct AuthenticationResults {
  std::string authserv_id;
  std::optional<int> version;      // authserv-id version, when given
  std::vector<AuthResult> results;  // empty means "none"
};

// The complete field "Authentication-Results: ...\r\n", folded.
std::string FormatAuthenticationResults(const AuthenticationResults& ar);

// Parses a field value (the bytes after the colon), CFWS allowed wherever
// RFC 8601 section 2.2 allows it. "none" gives an empty result list.
Result<AuthenticationResults> ParseAuthenticationResults(std::string_view value);

// The dkim= results for `signatures` (dkim=none when empty): header.d,
// header.i, header.s, header.a, header.b (first 8 characters of b=, enough
// to tell signatures apart, RFC 6008) and the reason as a comment.
AuthenticationResults DkimAuthenticationResults(std::string authserv_id,
                                                const std::vector<SignatureResult>& signatures);

}  // namespace dkim

#endif  // LISTD_DKIM_AUTH_RESULTS_H_
