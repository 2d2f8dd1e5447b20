// Verifier: evaluates every DKIM-Signature of a message, RFC 6376 section 6,
// and gives each its own result as RFC 8601 section 2.7.1 names them.
//
// Results and when they happen:
//   pass       signature and body hash verify with an acceptable key
//   fail       body hash mismatch, signature mismatch
//   neutral    unused here except for signatures beyond the cap
//   policy     rsa-sha1 that would verify (RFC 8301 section 3.1: never pass),
//              key shorter than the minimum (RFC 8301 section 3.2, 1024 bits),
//              a message with more than one From field, or none (RFC 5322
//              section 3.6, RFC 6376 section 8.15: never pass)
//   temperror  the key could not be fetched now (DNS timeout or SERVFAIL)
//   permerror  unusable signature or key: bad syntax, missing tags, unknown
//              algorithm, i= outside d=, h= without From, expired x=, t= in
//              the future, no key, revoked key (empty p=), key h=/k=/s=
//              mismatch, key t=s with an i= in a subdomain
// Each result carries a human reason ("body hash mismatch"), and whether the
// key is in testing mode (t=y), which is reported but changes nothing.
//
// Limits: at most `max_signatures` (default 10) signatures are evaluated;
// the rest get `policy` with a reason. Not thread-safe (see KeyResolver).
#ifndef LISTD_DKIM_VERIFIER_H_
#define LISTD_DKIM_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dkim/body_hash.h"
#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/signature.h"

namespace dkim {

enum class DkimResult { kNone, kPass, kFail, kNeutral, kPolicy, kTempError, kPermError };

// "pass", "fail", ... as written in Authentication-Results.
std::string_view ToString(DkimResult r);

struct SignatureResult {
  DkimResult result = DkimResult::kPermError;
  std::string reason;        // empty for pass
  std::string domain;        // d=
  std::string identity;      // i= (as given, or "@" + d=)
  std::string selector;      // s=
  std::string algorithm;     // a= as written
  std::string b_base64;      // b= without whitespace, for header.b
  bool key_testing = false;  // the key record says t=y
  bool key_dnssec_secure = false;
  int key_bits = 0;          // 0 when no key was used
};

struct VerifierOptions {
  size_t max_signatures = 10;
  int min_rsa_bits = 1024;          // RFC 8301 section 3.2
  int64_t allowed_clock_skew = 300;  // seconds a t= may lie in the future
};

class Verifier {
 public:
  // `keys` must outlive the Verifier.
  explicit Verifier(KeyResolver& keys, VerifierOptions options = {});

  // One result per DKIM-Signature field, top to bottom; empty when the
  // message is unsigned. `now` is seconds since the epoch.
  std::vector<SignatureResult> Verify(const Message& message, int64_t now);

 private:
  // The parameters that make two signatures' body hashes the same.
  struct BodyHashKey {
    Canon canon;
    HashAlgorithm hash;
    std::optional<uint64_t> limit;
    bool operator==(const BodyHashKey&) const = default;
  };

  KeyResolver& keys_;
  VerifierOptions options_;
  // Reused across calls, so that verifying a message allocates little more
  // than its results: OpenSSL digest contexts, the header-hash input and
  // digest, the parsed signatures (their strings keep their storage), and
  // the per-call lists of Verify (cleared at each call).
  Hasher sha256_;
  Hasher sha1_;
  std::string data_;
  Digest header_digest_;
  std::vector<const HeaderField*> fields_;
  std::vector<Signature> parsed_;  // grows to the most signatures seen
  std::vector<std::pair<std::string, std::string>> wanted_keys_;
  std::vector<size_t> wanting_;
  std::vector<std::pair<BodyHashKey, BodyHash>> body_hashes_;
};

}  // namespace dkim

#endif  // LISTD_DKIM_VERIFIER_H_
