// Stage 3, record: the Authentication-Results field listd writes for a
// post, placed on top of it, and the one-line summary the daemon logs.
//
// Contract: pure functions of an Authentication (stage 2's output) and our
// authserv-id. The field is written by dkim::FormatAuthenticationResults
// from dkim::DkimAuthenticationResults, the one formatter of the project,
// so its folding and quoting rules are those of dkim/auth_results.cc.
// Thread-safe.
//
// STANDARDS
//   RFC 8601 section 2.2 (syntax), section 2.7.1 (dkim= with header.d,
//   header.i, header.s, header.a, header.b per signature; dkim=none when
//   unsigned), section 4 (one field for all our results; added at the top,
//   above any trace field we add, per RFC 5322 section 3.6), section 5 (the
//   forged fields are already gone, authenticate.h); RFC 6377 section 5.6
//   (a list SHOULD record the signatures it observed on a submission);
//   RFC 6008 section 4 (header.b); RFC 5322 section 2.1.1 (78 columns).
//
// LIMITS
//   Lines are folded at 78 columns where a fold point exists; one piece
//   longer than that (a long header.i) stays whole on its line. Only dkim=
//   results are written for now (spf= comes from the MX, dmarc= and arc=
//   are later work).
#ifndef LISTD_LISTD_PIPELINE_RECORD_H_
#define LISTD_LISTD_PIPELINE_RECORD_H_

#include <string>
#include <string_view>

#include "listd/pipeline/authenticate.h"

namespace listd::pipeline {

// The whole field "Authentication-Results: <authserv-id>; dkim=...\r\n",
// folded; the reason of a result that is not pass stands as a comment.
std::string AuthenticationResultsField(const Authentication& auth, std::string_view authserv_id);

// auth.message with that field prepended above every existing field.
std::string Record(const Authentication& auth, std::string_view authserv_id);

// One line for the daemon's log: "dkim=pass(example.org)
// dkim=fail(other.org: body hash mismatch)", or "dkim=none".
std::string AuthenticationSummary(const Authentication& auth);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_RECORD_H_
