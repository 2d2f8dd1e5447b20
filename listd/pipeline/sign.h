// Stage 6, sign: the list's DKIM signatures over the decorated post.
//
// STANDARDS
//   RFC 6376 section 5 (signer actions), section 5.4 and 5.4.2 (which
//   fields to sign, and oversigning: a name listed once more than it occurs
//   so that no such field can be added after signing); RFC 8463 (Ed25519
//   beside RSA: each key of the list gives its own signature);
//   RFC 6377 section 5.3 (a list that changes a post signs it itself);
//   RFC 5585 section 2.6.3 (sign after the last change).
// WHAT IS SIGNED
//   The list's signing.headers (by default From, To, Cc, Subject, Date,
//   Message-ID, Reply-To, In-Reply-To, References, MIME-Version,
//   Content-Type, Content-Transfer-Encoding) plus the List-* fields,
//   Precedence and listd's own Authentication-Results; oversigned: the
//   list's signing.oversign (From, Subject) plus the List-* fields.
//   c= and x= from signing.canonicalization and signing.expire.
// SEALING (RFC 8617 section 5.1)
//   After the DKIM signatures, when the list's setting arc is on and a
//   chain verdict is given: the ARC set i=n+1 (ARC-Authentication-Results
//   from listd's own Authentication-Results, an ARC-Message-Signature over
//   the decorated and signed post, an ARC-Seal over the chain), made last,
//   since section 5.1 wants every change, signatures included, before it.
//   One set per instance, so one key seals: the RSA key when the list has
//   one (the peers verify rsa-sha256 only), else the Ed25519 key. A chain
//   whose newest seal says cv=fail is not sealed over (section 5.1.2); the
//   post still goes, and the summary says why.
// LIMITS
//   A list with no active key delivers unsigned; the result says so, for
//   the log (and `listctl doctor` says it too).
#ifndef LISTD_LISTD_PIPELINE_SIGN_H_
#define LISTD_LISTD_PIPELINE_SIGN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/arc_validator.h"
#include "listd/pipeline/list_context.h"

namespace listd::pipeline {

struct Signed {
  std::string message;  // the post with its new DKIM-Signature fields on top
  std::string
      summary;  // "signed rsa-sha256 s=s2026-11, ed25519-sha256 s=s2026-11e" or "unsigned: ..."
  size_t signatures = 0;
};

// The fields the list signs (h=) and those it oversigns, from its settings.
std::vector<std::string> SignedFields(const ListContext& list);
std::vector<std::string> OversignedFields(const ListContext& list);

// What sealing needs: the verdict on the chain as the post arrived, and
// our authserv-id (whose Authentication-Results become the AAR).
struct SealRequest {
  const dkim::ArcValidation* chain = nullptr;
  std::string authserv_id;
};

// Signs `message` with every key in `list.keys`, at time `now`, then seals
// it when `seal` is given (see SEALING).
base::Result<Signed> Sign(std::string message, ListContext& list, int64_t now,
                          const SealRequest* seal = nullptr);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_SIGN_H_
