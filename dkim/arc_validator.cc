// ARC chain validation, RFC 8617 section 5.2.
//
// STANDARDS
//   RFC 8617 sections 5.2 (validator actions, steps 1-7), 5.2.1 (all
//   failures permanent), 4.2.1 (instances), 5.1.1 (seal hash input);
//   RFC 6376 sections 3.7 and 5.4.2 (hashing, via header_selection and
//   canonicalization); RFC 8301 (no rsa-sha1, RSA keys >= 1024 bits);
//   RFC 8463 (ed25519-sha256).
// LIMITS
//   at most 50 ARC sets (kMaxArcInstance); RSA keys of at least
//   ArcValidatorOptions::min_rsa_bits (1024).
#include "dkim/arc_validator.h"

#include "dkim/body_hash.h"
#include "dkim/crypto.h"
#include "dkim/header_selection.h"

namespace dkim {
namespace {

// Checks the key record for `tags` the way the DKIM verifier does and
// verifies `signature` over `digest`. Returns why it failed, or nullopt.
std::optional<std::string> VerifyWithKey(KeyResolver& keys, const ArcSignatureTags& tags,
                                         const Digest& digest, int min_rsa_bits) {
  KeyLookup key = keys.Lookup(tags.selector, tags.domain);
  std::string where = KeyRecordName(tags.selector, tags.domain);
  switch (key.status) {
    case KeyLookup::Status::kNoKey:
      return "no key at " + where;
    case KeyLookup::Status::kTempFail:
    case KeyLookup::Status::kPermFail:
      return "key " + where + ": " + key.error;
    case KeyLookup::Status::kFound:
      break;
  }
  const KeyRecord& record = *key.record;
  if (record.revoked) return "key " + where + " revoked (empty p=)";
  if (!record.known_key_type) return "unknown key type k=" + record.key_type_name;
  if (record.key_type != KeyTypeOf(tags.algorithm)) {
    return "key type k=" + record.key_type_name + " does not match a=" + tags.algorithm_name;
  }
  if (!record.AllowsHash("sha256")) return "key h= does not allow sha256";
  if (!record.AllowsEmail()) return "key s= does not include email";
  if (!record.public_key) return "unusable key: " + record.public_key_error;
  const PublicKey& public_key = *record.public_key;
  if (public_key.type() == KeyType::kRsa && public_key.bits() < min_rsa_bits) {
    return "key shorter than " + std::to_string(min_rsa_bits) + " bits (" +
           std::to_string(public_key.bits()) + ")";
  }
  if (!public_key.VerifyDigest(HashAlgorithm::kSha256, digest, tags.signature)) {
    return "signature mismatch";
  }
  return std::nullopt;
}

// The field's raw bytes before and after its b= value.
std::pair<std::string_view, std::string_view> SplitAtSignature(const HeaderField& field,
                                                               const ArcSignatureTags& tags) {
  std::string_view raw = field.raw;
  size_t offset = static_cast<size_t>(field.value().data() - raw.data());
  return {raw.substr(0, offset + tags.b_value_begin), raw.substr(offset + tags.b_value_end)};
}

// Verifies one AMS (RFC 8617 section 4.1.2 = RFC 6376 section 6.1.3).
std::optional<std::string> VerifyAms(KeyResolver& keys, const Message& message,
                                     const HeaderField& field, const ArcMessageSignature& ams,
                                     int64_t now, int min_rsa_bits) {
  if (ams.expiration && *ams.expiration < now) return std::string("AMS expired (x=)");
  BodyHash body = ComputeBodyHash(ams.canonicalization.body, HashAlgorithm::kSha256, message.body(),
                                  ams.body_length);
  if (ams.body_length && *ams.body_length > body.canonical_length) {
    return std::string("AMS l= is longer than the body");
  }
  if (body.digest != ams.body_hash) return std::string("AMS body hash mismatch");
  std::string data;
  AppendSelectedHeaders(message, ams.signed_headers, ams.canonicalization.header, data);
  auto [head, tail] = SplitAtSignature(field, ams);
  AppendCanonicalHeaderNoCrlf(ams.canonicalization.header, head, tail, data);
  if (std::optional<std::string> why =
          VerifyWithKey(keys, ams, HashBytes(HashAlgorithm::kSha256, data), min_rsa_bits)) {
    return "AMS " + *why;
  }
  return std::nullopt;
}

}  // namespace

ArcValidator::ArcValidator(KeyResolver& keys, ArcValidatorOptions options)
    : keys_(keys), options_(options) {}

ArcValidation ArcValidator::Validate(const Message& message, int64_t now) {
  ArcValidation v;
  auto fail = [&v](std::string reason) {
    v.result = ArcResult::kFail;
    v.reason = std::move(reason);
    v.oldest_pass.reset();
    return v;
  };

  // Step 1: collect the sets; none at all is "none", more than 50 "fail".
  ArcFieldCollection found = CollectArcFields(message);
  if (found.field_count == 0) return v;
  v.instances = found.max_instance;
  if (found.max_instance > kMaxArcInstance) return fail(found.error);

  // Parse every set that has its fields, so the results can name them.
  std::vector<std::optional<ArcMessageSignature>> amss(found.sets.size());
  std::vector<std::optional<ArcSeal>> seals(found.sets.size());
  std::string parse_error;
  v.sets.resize(found.sets.size());
  for (size_t k = 0; k < found.sets.size(); ++k) {
    const ArcSetFields& set = found.sets[k];
    ArcSetResult& r = v.sets[k];
    r.instance = static_cast<int>(k + 1);
    if (set.ams != nullptr) {
      Result<ArcMessageSignature> ams = ParseArcMessageSignature(set.ams->value());
      if (ams.ok()) {
        r.ams_domain = ams->domain;
        r.ams_selector = ams->selector;
        amss[k] = std::move(*ams);
      } else if (parse_error.empty()) {
        parse_error = "i=" + std::to_string(k + 1) + " " + ams.error();
      }
    }
    if (set.seal != nullptr) {
      Result<ArcSeal> seal = ParseArcSeal(set.seal->value());
      if (seal.ok()) {
        r.seal_domain = seal->domain;
        r.seal_selector = seal->selector;
        r.cv = seal->cv;
        seals[k] = std::move(*seal);
      } else if (parse_error.empty()) {
        parse_error = "i=" + std::to_string(k + 1) + " " + seal.error();
      }
    }
  }

  // Step 2: the newest seal's own verdict ends it.
  size_t n = found.sets.size();
  if (n > 0 && seals[n - 1] && seals[n - 1]->cv == ArcResult::kFail &&
      static_cast<int>(n) == found.max_instance) {
    v.newest_seal_says_fail = true;
    return fail("the newest ARC-Seal (i=" + std::to_string(n) + ") says cv=fail");
  }

  // Step 3: structure (A: one of each per set, B: 1..N without gaps or
  // repetition, fields readable) and the cv= sequence (C).
  if (!found.error.empty()) return fail(found.error);
  if (!parse_error.empty()) return fail(parse_error);
  for (size_t k = 0; k < n; ++k) {
    ArcResult want = k == 0 ? ArcResult::kNone : ArcResult::kPass;
    if (seals[k]->cv != want) {
      return fail("ARC-Seal i=" + std::to_string(k + 1) +
                  " says cv=" + std::string(ToString(seals[k]->cv)) +
                  ", expected cv=" + std::string(ToString(want)));
    }
  }

  // Step 4: the newest AMS must verify.
  if (std::optional<std::string> why = VerifyAms(keys_, message, *found.sets[n - 1].ams,
                                                 *amss[n - 1], now, options_.min_rsa_bits)) {
    v.sets[n - 1].ams = ArcResult::kFail;
    v.sets[n - 1].reason = *why;
    return fail("i=" + std::to_string(n) + " " + *why);
  }
  v.sets[n - 1].ams = ArcResult::kPass;

  // Step 5 (optional): oldest-pass, the lowest instance from which every
  // AMS verifies; 0 when all of them do.
  int oldest_pass = 0;
  if (options_.oldest_pass) {
    for (size_t k = n - 1; k-- > 0;) {
      std::optional<std::string> why =
          VerifyAms(keys_, message, *found.sets[k].ams, *amss[k], now, options_.min_rsa_bits);
      v.sets[k].ams = why ? ArcResult::kFail : ArcResult::kPass;
      if (why) {
        v.sets[k].reason = *why;
        oldest_pass = static_cast<int>(k + 2);
        break;
      }
    }
  }

  // Step 6: every seal, newest first, over the sets up to its own.
  std::vector<ArcSetFields> earlier(found.sets.begin(), found.sets.end());
  for (size_t k = n; k-- > 0;) {
    earlier.resize(k);
    const ArcSetFields& set = found.sets[k];
    auto [head, tail] = SplitAtSignature(*set.seal, *seals[k]);
    std::string data;
    AppendSealHashInput(earlier, set.aar->raw, set.ams->raw, head, tail, data);
    if (std::optional<std::string> why = VerifyWithKey(
            keys_, *seals[k], HashBytes(HashAlgorithm::kSha256, data), options_.min_rsa_bits)) {
      v.sets[k].seal = ArcResult::kFail;
      v.sets[k].reason = "AS " + *why;
      return fail("i=" + std::to_string(k + 1) + " AS " + *why);
    }
    v.sets[k].seal = ArcResult::kPass;
  }

  // Step 7.
  v.result = ArcResult::kPass;
  if (options_.oldest_pass) v.oldest_pass = oldest_pass;
  return v;
}

}  // namespace dkim
