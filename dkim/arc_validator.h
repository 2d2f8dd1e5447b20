// ArcValidator: the Validator actions of RFC 8617 section 5.2. It decides
// the chain validation status of a message's Authenticated Received Chain:
//   none  no ARC header fields at all
//   fail  more than 50 sets, the newest seal says cv=fail, a malformed set
//         (missing, duplicate or unreadable field, instance gap), a cv=
//         out of place (i=1 must say none, later ones pass), the newest
//         AMS or any AS not verifying, or any key problem (section 5.2.1:
//         every failure, DNS ones included, is permanent)
//   pass  everything above holds
// Besides the status it reports the oldest-pass value (section 5.2 step 5:
// the lowest instance from which every AMS up to N still verifies, 0 when
// all do) and what was found for each set, for Authentication-Results.
//
// Keys come from a KeyResolver, so the same RFC 8301 / 8463 rules apply as
// for DKIM: rsa-sha256 with keys of at least 1024 bits, or ed25519-sha256.
// Not thread-safe (the KeyResolver is not); one validator per thread.
#ifndef LISTD_DKIM_ARC_VALIDATOR_H_
#define LISTD_DKIM_ARC_VALIDATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dkim/arc_fields.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"

namespace dkim {

// What was found for one ARC set (only sets the validator looked at have
// their AMS/seal verdicts filled in; the others keep kNone).
struct ArcSetResult {
  int instance = 0;
  std::string ams_domain, ams_selector;    // d=, s= of the AMS
  std::string seal_domain, seal_selector;  // d=, s= of the AS
  ArcResult cv = ArcResult::kNone;         // the seal's cv=
  ArcResult ams = ArcResult::kNone;        // kPass / kFail once verified
  ArcResult seal = ArcResult::kNone;       // kPass / kFail once verified
  std::string reason;                      // why ams or seal failed
};

struct ArcValidation {
  ArcResult result = ArcResult::kNone;
  std::string reason;              // empty on pass and none
  int instances = 0;               // N, the highest instance found
  std::optional<int> oldest_pass;  // set when the chain passes
  // The newest seal itself says cv=fail (section 5.2 step 2): a sealer must
  // then not add a set (section 5.1 step 2).
  bool newest_seal_says_fail = false;
  std::vector<ArcSetResult> sets;  // sets[k] is instance k + 1
};

struct ArcValidatorOptions {
  int min_rsa_bits = 1024;  // RFC 8301 section 3.2
  // Compute oldest-pass (section 5.2 step 5, optional): one extra AMS
  // verification per older set.
  bool oldest_pass = true;
};

class ArcValidator {
 public:
  // `keys` must outlive the validator.
  explicit ArcValidator(KeyResolver& keys, ArcValidatorOptions options = {});

  // Validates the chain of `message`; `now` (seconds since the epoch) is
  // compared with an AMS's x=.
  ArcValidation Validate(const Message& message, int64_t now);

 private:
  KeyResolver& keys_;
  ArcValidatorOptions options_;
};

}  // namespace dkim

#endif  // LISTD_DKIM_ARC_VALIDATOR_H_
