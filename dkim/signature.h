// The DKIM-Signature header field's tag list, RFC 6376 section 3.5,
// parsed and checked for the errors that make a signature unusable
// (section 6.1.1): missing required tags, unknown v=, unparseable values,
// i= not within d=, h= without From.
#ifndef LISTD_DKIM_SIGNATURE_H_
#define LISTD_DKIM_SIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/result.h"

namespace dkim {

enum class SigningAlgorithm { kRsaSha256, kEd25519Sha256, kRsaSha1 };

// "rsa-sha256", "ed25519-sha256", "rsa-sha1".
std::string_view ToString(SigningAlgorithm a);
std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view text);
KeyType KeyTypeOf(SigningAlgorithm a);
HashAlgorithm HashOf(SigningAlgorithm a);

struct Signature {
  SigningAlgorithm algorithm = SigningAlgorithm::kRsaSha256;
  std::string algorithm_name;             // a= as written
  std::string signature;                  // b=, decoded
  std::string b_base64;                   // b=, whitespace removed (for header.b)
  std::string body_hash;                  // bh=, decoded
  Canonicalization canonicalization;      // c=
  std::string domain;                     // d=
  std::vector<std::string> signed_headers;  // h=, in order, as written
  std::string identity;                   // i=, default "@" + d=
  std::optional<uint64_t> body_length;    // l=
  std::string selector;                   // s=
  std::optional<int64_t> timestamp;       // t=
  std::optional<int64_t> expiration;      // x=
  // Where the b= value lies in the parsed text: [b_value_begin, b_value_end)
  // runs from just after "b=" to the next ';' or the end (section 3.7).
  size_t b_value_begin = 0;
  size_t b_value_end = 0;
};

// Why a signature could not even be evaluated.
struct SignatureParseError {
  std::string reason;
  // Fields that could be read before the error, for reporting (may be empty).
  std::string domain, selector, algorithm_name, b_base64, identity;
};

// Decodes dkim-quoted-printable (RFC 6376 section 2.11): "=XX" is the octet
// XX and FWS is dropped; i= is written in it. Nullopt on a broken "=".
std::optional<std::string> DecodeDkimQuotedPrintable(std::string_view text);

// True when the domain of `identity` (i=, decoded) is `domain` or a subdomain of it.
bool IdentityWithinDomain(std::string_view identity, std::string_view domain);

// Parses a DKIM-Signature value (the bytes after the colon). On error, the
// reason reads like "missing required tag bh=".
std::variant<Signature, SignatureParseError> ParseSignature(std::string_view value);

// The same into `sig`, reusing the storage of its strings and lists (a
// verifier parses a signature for every message). Returns the reason on
// error; `sig` then holds what could be read, like SignatureParseError.
std::optional<std::string> ParseSignatureInto(std::string_view value, Signature& sig);

}  // namespace dkim

#endif  // LISTD_DKIM_SIGNATURE_H_
