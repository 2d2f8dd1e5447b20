// Fuzz target: the DKIM-Signature value parser (dkim/signature.h, RFC 6376
// section 3.5).
//
// The verifier parses every message's signatures into Signature objects it
// keeps from message to message (ParseSignatureInto reuses their storage).
// The input is cut at 0x01 into values; each is parsed fresh and into the
// one reused Signature, and both readings must agree field for field:
// nothing of an earlier signature may survive into a later one.
#include <string>
#include <string_view>
#include <variant>

#include "dkim/signature.h"
#include "fuzz_input.h"

namespace {

bool Same(const dkim::Signature& a, const dkim::Signature& b) {
  return a.algorithm == b.algorithm && a.algorithm_name == b.algorithm_name &&
         a.signature == b.signature && a.b_base64 == b.b_base64 && a.body_hash == b.body_hash &&
         a.canonicalization.header == b.canonicalization.header &&
         a.canonicalization.body == b.canonicalization.body && a.domain == b.domain &&
         a.signed_headers == b.signed_headers && a.identity == b.identity &&
         a.body_length == b.body_length && a.selector == b.selector && a.timestamp == b.timestamp &&
         a.expiration == b.expiration && a.b_value_begin == b.b_value_begin &&
         a.b_value_end == b.b_value_end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  dkim::Signature reused;
  for (std::string_view value : listd_fuzz::Pieces(listd_fuzz::Text(data, size))) {
    auto fresh = dkim::ParseSignature(value);
    std::optional<std::string> error = dkim::ParseSignatureInto(value, reused);
    Check(error.has_value() == std::holds_alternative<dkim::SignatureParseError>(fresh),
          "a reused Signature fails exactly when a fresh one does");
    if (const auto* failed = std::get_if<dkim::SignatureParseError>(&fresh)) {
      Check(!failed->reason.empty(), "a parse error says why");
      Check(*error == failed->reason, "the same reason either way");
      continue;
    }
    const dkim::Signature& sig = std::get<dkim::Signature>(fresh);
    Check(Same(sig, reused), "a reused Signature holds exactly what a fresh one does");
    Check(sig.b_value_begin <= sig.b_value_end && sig.b_value_end <= value.size(),
          "b= lies inside the value");
    Check(!sig.domain.empty() && !sig.selector.empty(), "d= and s= are required");
    Check(dkim::IdentityWithinDomain(sig.identity, sig.domain), "i= lies within d=");
    Check(!sig.signed_headers.empty(), "h= is required");
  }
  return 0;
}
