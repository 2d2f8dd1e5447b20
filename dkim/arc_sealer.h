// ArcSealer: the Sealer actions of RFC 8617 section 5.1. It adds ARC set
// i = N + 1 to a message whose chain was validated by ArcValidator:
//   ARC-Authentication-Results  "i=N+1; <authserv-id>; <results>"
//   ARC-Message-Signature       a DKIM-style signature over the message
//                               (relaxed/relaxed, h= from the options,
//                               never an ARC field), i= instead of v=
//   ARC-Seal                    over every set in instance order (section
//                               5.1.1) with cv= from the validation; over
//                               the new set alone when cv=fail (5.1.2)
// Seal() returns the three fields to prepend, in the order the RFC's
// examples show them at the top of a message: ARC-Seal, then
// ARC-Message-Signature, then ARC-Authentication-Results.
//
// It refuses (an Error, nothing to add) when the newest seal already says
// cv=fail (section 5.1 step 2) or the chain already has 50 sets.
//
// Not thread-safe (the private key keeps a prepared context).
#ifndef LISTD_DKIM_ARC_SEALER_H_
#define LISTD_DKIM_ARC_SEALER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/arc_validator.h"
#include "dkim/crypto.h"
#include "dkim/message.h"
#include "dkim/result.h"
#include "dkim/signature.h"

namespace dkim {

struct ArcSealerOptions {
  std::string domain;    // d= of the AMS and the AS
  std::string selector;  // s=
  SigningAlgorithm algorithm = SigningAlgorithm::kRsaSha256;
  std::string authserv_id;  // written into the AAR
  // AMS h=: each name listed once per field present (the DKIM signer's
  // rule). Default: the DKIM default list plus DKIM-Signature (section
  // 4.1.2: SHOULD sign the DKIM signatures present). ARC fields are
  // refused: the AMS must not sign them.
  std::vector<std::string> headers = DefaultHeaders();
  // Names listed once more than they occur, so a later added field breaks
  // the AMS (as the DKIM signer oversigns From).
  std::vector<std::string> oversign = {"From"};
  // How the AMS and AS tags are laid out. kInstanceFirst follows the ABNF
  // of section 4.1 (instance, then the tag list). kAlphabetical is the
  // normal form of the ValiMail conformance suite (tags sorted, i= among
  // them), under which its published b= values can be reproduced.
  enum class TagOrder { kInstanceFirst, kAlphabetical };
  TagOrder tag_order = TagOrder::kInstanceFirst;

  static std::vector<std::string> DefaultHeaders();
};

class ArcSealer {
 public:
  // Checks the options (domain, selector, authserv-id, key/algorithm
  // match, no rsa-sha1, RSA >= 1024 bits, no ARC field in headers).
  static Result<ArcSealer> Create(ArcSealerOptions options, PrivateKey key);

  // The three fields of set N+1 to prepend to `message` (see above).
  // `chain` must be ArcValidator's verdict on this very message; `results`
  // is the authres-payload after the authserv-id, e.g.
  // "arc=pass; dkim=pass header.d=example.org" ("none" when empty).
  Result<std::string> Seal(const Message& message, const ArcValidation& chain,
                           std::string_view results, int64_t now);

  const ArcSealerOptions& options() const { return options_; }

 private:
  ArcSealer(ArcSealerOptions options, PrivateKey key);
  ArcSealerOptions options_;
  PrivateKey key_;
};

// The results of the Authentication-Results fields of `message` whose
// authserv-id is `authserv_id`, in message order, each resinfo once,
// joined by ";" and a fold: the consolidation a sealer does for its AAR
// (the conformance suite's rule). "none" results are left out.
std::string CollectAuthResults(const Message& message, std::string_view authserv_id);

}  // namespace dkim

#endif  // LISTD_DKIM_ARC_SEALER_H_
