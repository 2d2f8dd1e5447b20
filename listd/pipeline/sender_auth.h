// Sender authentication: whether the envelope sender (the return path) of
// a post is who it says, the condition for writing back to it. A rejection
// notice to an unauthenticated return path is backscatter: spam forges the
// return path, and the notice lands with whoever's address was forged.
//
// The sender counts as authenticated when either holds:
//   - a DKIM signature passed (our own Authentication-Results, the post's
//     first field once recorded) whose d= is relaxed-aligned with the
//     return path's domain: the same organizational domain (RFC 7489
//     section 3.1.1's rule, applied to the return path instead of From);
//   - a trusted upstream Authentication-Results says spf=pass for that
//     domain (smtp.mailfrom, RFC 8601 section 2.7.2; RFC 7208).
// A null return path is never answered (RFC 3834 section 4, RFC 5321
// section 4.5.5).
//
// Author authentication (AuthenticateAuthor) is the same judgment for the
// From domain, which admission asks under posting_auth=aligned (admit.h):
//   - authenticated: a DKIM signature passed in our results whose d= is
//     relaxed-aligned with the From domain (RFC 7489 section 3.1.1), or a
//     trusted upstream Authentication-Results says dmarc=pass with
//     header.from naming the From domain (RFC 7489 section 11.2, RFC 8601
//     section 2.7.6: the upstream did the whole DMARC check on this From);
//   - failed: a signature aligned with the From domain is there but did
//     not pass (dkim=fail, neutral, permerror, temperror, policy): the
//     author domain signs, and this post is not what it signed;
//   - unsigned: no signature aligned with the From domain at all (none, or
//     only other domains', such as a relay's): the author domain did not
//     sign, which a list may choose to let through.
// Our results are read, never re-verified (RFC 8601 section 5: the field
// stage 3 wrote is the one trusted record of what stage 2 found).
//
// Pure: bytes and parsed fields in, a verdict out. Thread-safe.
#ifndef LISTD_LISTD_PIPELINE_SENDER_AUTH_H_
#define LISTD_LISTD_PIPELINE_SENDER_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "dkim/auth_results.h"

namespace listd::pipeline {

struct SenderVerdict {
  bool authenticated = false;
  // How ("DKIM d=example.org", "SPF from mx.example.net") or why not.
  std::string detail;
};

// Judges `envelope_from` against our results in `recorded` (the first
// field, written for `authserv_id`) and the `trusted_upstream` results.
SenderVerdict AuthenticateSender(std::string_view envelope_from, std::string_view recorded,
                                 std::string_view authserv_id,
                                 const std::vector<dkim::AuthenticationResults>& trusted_upstream);

enum class AuthorAuthResult { kAuthenticated, kFailed, kUnsigned };

struct AuthorVerdict {
  AuthorAuthResult result = AuthorAuthResult::kUnsigned;
  // How ("DKIM d=example.org", "dmarc=pass from mx.example.net") or which
  // check failed ("From domain example.com not authenticated: dkim=fail
  // (d=example.com)", "no signature aligned with example.com:
  // d=other.example").
  std::string detail;
};

// Judges the From domain `author_domain` against our results in
// `recorded` (written for `authserv_id`) and the `trusted_upstream` ones.
AuthorVerdict AuthenticateAuthor(std::string_view author_domain, std::string_view recorded,
                                 std::string_view authserv_id,
                                 const std::vector<dkim::AuthenticationResults>& trusted_upstream);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_SENDER_AUTH_H_
