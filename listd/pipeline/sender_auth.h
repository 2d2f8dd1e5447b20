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

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_SENDER_AUTH_H_
