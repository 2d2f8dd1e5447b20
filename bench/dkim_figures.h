// DKIM figures: how fast our dkim/ library signs and verifies one message,
// and, to show where the time goes, how fast its parts run alone.
//
// Set-up for every figure (outside the timed loops): the key is loaded, the
// public key record sits in a StaticTxtResolver behind a DnsKeyResolver, and
// one verification has run, so the record is parsed once and cached; what
// is timed is the steady state of a busy signer or verifier.
//
// The operations timed, each per iteration:
//   sign           Signer::Sign on a Message parsed once (body hash, header
//                  hash, one signature)
//   sign-bh-given  the same with the body hash passed in (header hash and
//                  signature only: what per-recipient signing costs)
//   verify         Message::Parse of the received bytes, then
//                  Verifier::Verify (the bytes are copied before the timed
//                  span, as a verifier receives them in a buffer it owns)
//   verify-parsed  Verifier::Verify on a Message parsed once
// Every verification is checked to pass; a failure ends the program.
//
// The "parts" time single steps of a verification through dkim/'s public
// headers, to show which of them eats the budget above the primitives.
#ifndef LISTD_BENCH_DKIM_FIGURES_H_
#define LISTD_BENCH_DKIM_FIGURES_H_

#include <optional>
#include <string>

#include "bench/stopwatch.h"
#include "dkim/crypto.h"
#include "dkim/result.h"
#include "dkim/signature.h"

namespace bench {

// One key type under test.
struct Algorithm {
  std::string label;  // "rsa2048", "ed25519"
  dkim::KeyType key_type;
  dkim::SigningAlgorithm signing;
};

// Which of the sign/verify figures to take.
struct SignVerifyWanted {
  bool sign = false;
  bool sign_bh_given = false;
  bool verify = false;
  bool verify_parsed = false;
  bool any() const { return sign || sign_bh_given || verify || verify_parsed; }
};

// Operations per second for the figures that were wanted.
struct SignVerifyFigures {
  std::optional<Rate> sign, sign_bh_given, verify, verify_parsed;
  // How many TXT lookups reached the StaticTxtResolver (1 when the
  // DnsKeyResolver cache held, as it should).
  int txt_lookups = 0;
  // Size of the signed message the verify rows hand the verifier: the
  // generated message plus its DKIM-Signature field.
  size_t signed_bytes = 0;
};

// Signs and verifies `message` (bytes as generated) with `key`. Fails when
// set-up fails or the first verification does not pass.
dkim::Result<SignVerifyFigures> MeasureSignVerify(const Algorithm& algorithm,
                                                  const dkim::PrivateKey& key,
                                                  const std::string& message,
                                                  const SignVerifyWanted& wanted,
                                                  const MeasureOptions& options);

// Which of the parts of a verification to time alone.
struct PartsWanted {
  bool parse_signature = false;  // ParseSignature on the DKIM-Signature value
  bool header_hash = false;      // selected headers + signature field, relaxed, hashed
  bool sign_digest = false;      // PrivateKey::SignDigest of a SHA-256 digest
  bool verify_digest = false;    // PublicKey::VerifyDigest of the same
  bool any() const { return parse_signature || header_hash || sign_digest || verify_digest; }
};

// Operations per second for the parts that were wanted.
struct PartFigures {
  std::optional<Rate> parse_signature, header_hash, sign_digest, verify_digest;
};

// Times the parts of signing and verifying `message` with `key` that do not
// depend on the body (they cost the same for any body size).
dkim::Result<PartFigures> MeasureParts(const Algorithm& algorithm, const dkim::PrivateKey& key,
                                       const std::string& message, const PartsWanted& wanted,
                                       const MeasureOptions& options);

// Which of the body figures to take.
struct BodyWanted {
  bool canon = false;      // CanonicalizeBody(relaxed) into a sink that only counts
  bool hasher = false;     // our Hasher (SHA-256) over the raw body bytes
  bool body_hash = false;  // Signer::BodyHash, relaxed: canonicalization + SHA-256
  bool any() const { return canon || hasher || body_hash; }
};

// Operations per second over the body of `message`; body_bytes is its size.
struct BodyFigures {
  std::optional<Rate> canon, hasher, body_hash;
  size_t body_bytes = 0;
};

dkim::Result<BodyFigures> MeasureBody(const std::string& message, const BodyWanted& wanted,
                                      const MeasureOptions& options);

// Message::Parse of `message` (a fresh copy per parse, made untimed).
dkim::Result<Rate> MeasureParse(const std::string& message, const MeasureOptions& options);

}  // namespace bench

#endif  // LISTD_BENCH_DKIM_FIGURES_H_
