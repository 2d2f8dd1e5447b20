// The three ARC header fields, RFC 8617 section 4.1, read from a message:
// ARC-Authentication-Results (AAR, 4.1.1), ARC-Message-Signature (AMS,
// 4.1.2) and ARC-Seal (AS, 4.1.3), and their grouping into ARC sets by the
// instance tag i= (4.2.1).
//
// AMS and AS are tag lists (RFC 6376 section 3.2, parsed by TagList); the
// values are interpreted here because they differ from a DKIM-Signature:
// no v=, i= is the instance, AS has cv= and no h=, bh=, c=. Everything the
// validator needs is checked at parse time, so a parse error is a reason
// for cv=fail (RFC 8617 section 5.2.1: every error is permanent).
//
// Plain value types; nothing here looks up keys or hashes.
#ifndef LISTD_DKIM_ARC_FIELDS_H_
#define LISTD_DKIM_ARC_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/message.h"
#include "dkim/result.h"
#include "dkim/signature.h"

namespace dkim {

// Chain validation status, RFC 8617 section 4.4: the cv= of a seal and the
// arc= result of a validation.
enum class ArcResult { kNone, kPass, kFail };

// "none", "pass", "fail".
std::string_view ToString(ArcResult r);

// Instance values run from 1 to this (RFC 8617 section 4.2.1).
constexpr int kMaxArcInstance = 50;

inline constexpr std::string_view kArcSealName = "ARC-Seal";
inline constexpr std::string_view kArcMessageSignatureName = "ARC-Message-Signature";
inline constexpr std::string_view kArcAuthResultsName = "ARC-Authentication-Results";

// The parts of an AMS or AS signature both share.
struct ArcSignatureTags {
  int instance = 0;  // i=
  SigningAlgorithm algorithm = SigningAlgorithm::kRsaSha256;
  std::string algorithm_name;        // a= as written
  std::string signature;             // b=, decoded
  std::string b_base64;              // b= without whitespace
  std::string domain;                // d=
  std::string selector;              // s=
  std::optional<int64_t> timestamp;  // t=
  // Where the b= value lies in the field value (as Signature's): the bytes
  // the signer hashed as empty (RFC 6376 section 3.7).
  size_t b_value_begin = 0;
  size_t b_value_end = 0;
};

// An ARC-Message-Signature, RFC 8617 section 4.1.2.
struct ArcMessageSignature : ArcSignatureTags {
  std::string body_hash;                    // bh=, decoded
  Canonicalization canonicalization;        // c=, default simple/simple
  std::vector<std::string> signed_headers;  // h=, empty names dropped
  std::optional<uint64_t> body_length;      // l=
  std::optional<int64_t> expiration;        // x=
};

// An ARC-Seal, RFC 8617 section 4.1.3.
struct ArcSeal : ArcSignatureTags {
  ArcResult cv = ArcResult::kNone;  // cv=
};

// Parses an AMS value (the bytes after the colon). Rejects what makes it
// unusable: bad tag list, missing a=/b=/bh=/d=/h=/i=/s=, a bad instance,
// unknown or rsa-sha1 algorithm (RFC 8301), bad base64, bad c=, t=, x=, l=,
// a malformed d=, or ARC-Seal listed in h= (section 4.1.2).
Result<ArcMessageSignature> ParseArcMessageSignature(std::string_view value);

// Parses an AS value. Rejects a bad tag list, missing a=/b=/cv=/d=/i=/s=,
// an h= tag (section 4.1.3: MUST fail), an unknown cv=, and the errors above.
Result<ArcSeal> ParseArcSeal(std::string_view value);

// The instance of an AAR value: "i=N" then ";" (section 4.1.1, arc-info),
// CFWS allowed around them.
Result<int> ParseArcAuthResultsInstance(std::string_view value);

// One ARC set as found: the fields of one instance. A pointer is null when
// that field is absent; `duplicate` is set when any of them occurs twice.
struct ArcSetFields {
  int instance = 0;
  const HeaderField* aar = nullptr;
  const HeaderField* ams = nullptr;
  const HeaderField* seal = nullptr;
  bool duplicate = false;
};

// Every ARC header field of `message` grouped by instance, sets[k] holding
// instance k + 1 (instances above kMaxArcInstance are not grouped but
// counted in max_instance). `error` says why the chain is malformed, if it
// is: a field whose instance cannot be read, a gap, a duplicate or a set
// with a missing field (section 5.2 step 3 A and B).
struct ArcFieldCollection {
  std::vector<ArcSetFields> sets;
  int max_instance = 0;    // the N of section 5.2 (0 when there are no ARC fields)
  size_t field_count = 0;  // ARC header fields seen
  std::string error;       // empty when the structure is sound
};
ArcFieldCollection CollectArcFields(const Message& message);

// Appends the ARC-Seal hash input of RFC 8617 section 5.1.1 to `out`: the
// sets before the sealed one (`earlier`, in instance order: AAR, AMS, AS,
// each relaxed-canonicalized with CRLF), then the sealed set's AAR and
// AMS, then its seal given as the field's raw bytes before and after the
// b= value, canonicalized without the final CRLF (RFC 6376 section 3.7).
void AppendSealHashInput(const std::vector<ArcSetFields>& earlier, std::string_view aar_raw,
                         std::string_view ams_raw, std::string_view seal_head,
                         std::string_view seal_tail, std::string& out);

}  // namespace dkim

#endif  // LISTD_DKIM_ARC_FIELDS_H_
