// Body hash, RFC 6376 section 3.7.
#include "dkim/body_hash.h"

namespace dkim {

BodyHash ComputeBodyHash(Canon canon, HashAlgorithm hash, std::string_view body,
                         std::optional<uint64_t> limit) {
  Hasher hasher(hash);
  return ComputeBodyHash(canon, hasher, body, limit);
}

BodyHash ComputeBodyHash(Canon canon, Hasher& hasher, std::string_view body,
                         std::optional<uint64_t> limit) {
  BodyHash result;
  ComputeBodyHash(canon, hasher, body, limit, result);
  return result;
}

void ComputeBodyHash(Canon canon, Hasher& hasher, std::string_view body,
                     std::optional<uint64_t> limit, BodyHash& out) {
  hasher.Reset();
  uint64_t remaining = limit.value_or(UINT64_MAX);
  out.canonical_length = CanonicalizeBody(canon, body, [&](std::string_view run) {
    if (remaining == 0) return;
    if (run.size() > remaining) run = run.substr(0, remaining);
    hasher.Update(run);
    remaining -= run.size();
  });
  hasher.Finish(out.digest);
}

}  // namespace dkim
