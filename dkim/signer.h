// Signer: adds a DKIM-Signature, RFC 6376 sections 3.5, 3.7 and 5, with
// rsa-sha256 or ed25519-sha256 (RFC 8463). rsa-sha1 is never produced
// (RFC 8301 section 3.1).
//
// h= is chosen by the caller: each requested name is listed once per field
// present, bottom-up order being implied by section 5.4.2; names in
// `oversign` are listed once more than they occur, so a field added later
// breaks the signature. From is always signed (section 5.4). l= is emitted
// only when asked for (section 8.2 explains why it is dangerous).
//
// For per-recipient signing the body hash can be computed once with
// BodyHash() and passed to Sign() for every copy.
//
// Not thread-safe (the private key keeps a prepared context); one Signer per
// thread, or a Clone() of the key for each.
#ifndef LISTD_DKIM_SIGNER_H_
#define LISTD_DKIM_SIGNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/message.h"
#include "dkim/result.h"
#include "dkim/signature.h"

namespace dkim {

struct SignerOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  SigningAlgorithm algorithm = SigningAlgorithm::kRsaSha256;
  Canonicalization canonicalization{Canon::kRelaxed, Canon::kRelaxed};
  // Header names to sign (case kept as given); From is added if missing.
  std::vector<std::string> headers = DefaultSignedHeaders();
  // Names listed once more than they occur (see above).
  std::vector<std::string> oversign = {"From"};
  std::optional<std::string> identity;  // i= as written (dkim-quoted-printable), within d=
  bool timestamp = true;                 // emit t=
  std::optional<int64_t> lifetime;       // emit x= = t= + lifetime (seconds)
  bool body_length = false;              // emit l= (not recommended)

  // From, To, Cc, Subject, Date, Message-ID, Reply-To, In-Reply-To,
  // References, MIME-Version, Content-Type, Content-Transfer-Encoding.
  static std::vector<std::string> DefaultSignedHeaders();
};

class Signer {
 public:
  // Checks the options (domain, selector, algorithm/key match, i= within d=)
  // and takes the key.
  static Result<Signer> Create(SignerOptions options, PrivateKey key);

  // The body hash this signer's canonicalization gives for `message`.
  std::string BodyHash(const Message& message) const;

  // Returns the complete field "DKIM-Signature: ...\r\n" to prepend to
  // `message`. `now` fills t= (and x=); `body_hash`, when given, must be
  // BodyHash(message) and saves re-hashing the body.
  Result<std::string> Sign(const Message& message, int64_t now,
                           const std::optional<std::string>& body_hash = std::nullopt);

  const SignerOptions& options() const { return options_; }

 private:
  Signer(SignerOptions options, PrivateKey key);
  SignerOptions options_;
  PrivateKey key_;
  Hasher header_hasher_;
};

}  // namespace dkim

#endif  // LISTD_DKIM_SIGNER_H_
