// The body hash of RFC 6376 section 3.7 (bh=): the canonical body, cut at
// l= bytes when a length is given, hashed.
#ifndef LISTD_DKIM_BODY_HASH_H_
#define LISTD_DKIM_BODY_HASH_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"

namespace dkim {

struct BodyHash {
  Digest digest;
  uint64_t canonical_length = 0;  // of the whole canonical body, before any l=
};

// Hashes `body` canonicalized with `canon`, only the first `limit` canonical
// bytes when a limit is given.
BodyHash ComputeBodyHash(Canon canon, HashAlgorithm hash, std::string_view body,
                         std::optional<uint64_t> limit = std::nullopt);
// The same with a caller's Hasher (reset here), saving its set-up per call.
BodyHash ComputeBodyHash(Canon canon, Hasher& hasher, std::string_view body,
                         std::optional<uint64_t> limit = std::nullopt);
// The same into `out`, reusing its digest's storage (a verifier's per-message path).
void ComputeBodyHash(Canon canon, Hasher& hasher, std::string_view body,
                     std::optional<uint64_t> limit, BodyHash& out);

}  // namespace dkim

#endif  // LISTD_DKIM_BODY_HASH_H_
