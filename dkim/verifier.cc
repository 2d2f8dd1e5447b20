// Verification, RFC 6376 section 6, with RFC 8301 (no rsa-sha1, RSA keys of
// at least 1024 bits) and RFC 8463 (ed25519-sha256).
#include "dkim/verifier.h"

#include <algorithm>
#include <optional>

#include "dkim/body_hash.h"
#include "dkim/header_selection.h"
#include "dkim/signature.h"

namespace dkim {
namespace {

// Appends the canonical DKIM-Signature field with its b= value removed
// (section 3.7): everything from just after "b=" up to the next ';' or the
// end of the value is left out, without copying the rest first.
void AppendWithoutSignatureValue(const HeaderField& field, const Signature& sig, Canon canon,
                                 std::string& out) {
  std::string_view raw = field.raw;
  size_t value_offset = static_cast<size_t>(field.value().data() - raw.data());
  AppendCanonicalHeaderNoCrlf(canon, raw.substr(0, value_offset + sig.b_value_begin),
                              raw.substr(value_offset + sig.b_value_end), out);
}

// Copies the signature's identifying tags into its result. Copied, not
// moved: the Signature is the verifier's, reused for the next message with
// its storage, and the result's strings must be allocated either way.
void CopyIdentity(const Signature& sig, SignatureResult& r) {
  r.domain = sig.domain;
  r.selector = sig.selector;
  r.algorithm = sig.algorithm_name;
  r.b_base64 = sig.b_base64;
  r.identity = sig.identity;
}

void Outcome(SignatureResult& r, DkimResult result, std::string reason) {
  r.result = result;
  r.reason = std::move(reason);
}

}  // namespace

std::string_view ToString(DkimResult r) {
  switch (r) {
    case DkimResult::kNone:
      return "none";
    case DkimResult::kPass:
      return "pass";
    case DkimResult::kFail:
      return "fail";
    case DkimResult::kNeutral:
      return "neutral";
    case DkimResult::kPolicy:
      return "policy";
    case DkimResult::kTempError:
      return "temperror";
    case DkimResult::kPermError:
      return "permerror";
  }
  return "permerror";
}

Verifier::Verifier(KeyResolver& keys, VerifierOptions options)
    : keys_(keys), options_(options), sha256_(HashAlgorithm::kSha256), sha1_(HashAlgorithm::kSha1) {}

std::vector<SignatureResult> Verifier::Verify(const Message& message, int64_t now) {
  // The signature fields, top to bottom, and their results in the same
  // order. The per-call lists are members so that their storage is reused.
  std::vector<const HeaderField*>& fields = fields_;
  fields.clear();
  for (const HeaderField& f : message.headers()) {
    if (EqualsIgnoreCase(f.name, "DKIM-Signature")) fields.push_back(&f);
  }
  std::vector<SignatureResult> results(fields.size());
  if (fields.empty()) return results;
  // RFC 6376 section 8.15: a message with two From fields (or none) is
  // never a pass; a signature that would pass gets policy with the reason
  // (one that fails keeps its failure: it says more).
  const std::optional<std::string> from_problem = FromFieldProblem(message);
  std::vector<Signature>& parsed = parsed_;
  std::vector<size_t>& wanting = wanting_;
  size_t evaluated = std::min(fields.size(), options_.max_signatures);
  if (parsed.size() < evaluated) parsed.resize(evaluated);
  wanting.clear();

  // Pass 1: parse every signature and check what needs no key.
  for (size_t i = 0; i < fields.size(); ++i) {
    SignatureResult& r = results[i];
    if (i >= options_.max_signatures) {
      Outcome(r, DkimResult::kPolicy,
                  "not evaluated: more than " + std::to_string(options_.max_signatures) +
                      " signatures");
      continue;
    }
    Signature& sig = parsed[i];
    if (std::optional<std::string> error = ParseSignatureInto(fields[i]->value(), sig)) {
      CopyIdentity(sig, r);
      Outcome(r, DkimResult::kPermError, std::move(*error));
      continue;
    }
    if (sig.expiration && *sig.expiration < now) {
      CopyIdentity(sig, r);
      Outcome(r, DkimResult::kPermError,
                  "signature expired (x=" + std::to_string(*sig.expiration) + ")");
      continue;
    }
    if (sig.timestamp && *sig.timestamp > now + options_.allowed_clock_skew) {
      CopyIdentity(sig, r);
      Outcome(r, DkimResult::kPermError,
                  "signature timestamp t=" + std::to_string(*sig.timestamp) + " is in the future");
      continue;
    }
    // The (selector, domain) pairs keep their strings' storage from call to
    // call; only the list's length must be exact for LookupMany.
    if (wanted_keys_.size() <= wanting.size()) wanted_keys_.emplace_back();
    wanted_keys_[wanting.size()].first.assign(sig.selector);
    wanted_keys_[wanting.size()].second.assign(sig.domain);
    wanting.push_back(i);
  }
  wanted_keys_.resize(wanting.size());

  // Pass 2: fetch all keys at once (the DNS layer resolves them together).
  std::vector<KeyLookup> keys = keys_.LookupMany(wanted_keys_);

  // Body hashes computed in this call are the first `body_hash_count`
  // entries; any beyond are storage left from earlier calls.
  size_t body_hash_count = 0;

  for (size_t w = 0; w < wanting.size(); ++w) {
    size_t i = wanting[w];
    const Signature& sig = parsed[i];
    SignatureResult& r = results[i];
    // However this signature ends, its result names it.
    CopyIdentity(sig, r);
    const KeyLookup& key = keys[w];
    r.key_dnssec_secure = key.dnssec_secure;
    switch (key.status) {
      case KeyLookup::Status::kNoKey:
        Outcome(r, DkimResult::kPermError, "no key at " + KeyRecordName(sig.selector, sig.domain));
        continue;
      case KeyLookup::Status::kTempFail:
        Outcome(r, DkimResult::kTempError, key.error);
        continue;
      case KeyLookup::Status::kPermFail:
        Outcome(r, DkimResult::kPermError, key.error);
        continue;
      case KeyLookup::Status::kFound:
        break;
    }
    const KeyRecord& record = *key.record;
    r.key_testing = record.testing;
    if (record.revoked) {
      Outcome(r, DkimResult::kPermError, "key revoked (empty p=)");
      continue;
    }
    if (!record.known_key_type) {
      Outcome(r, DkimResult::kPermError, "unknown key type k=" + record.key_type_name);
      continue;
    }
    if (record.key_type != KeyTypeOf(sig.algorithm)) {
      Outcome(r, DkimResult::kPermError,
                  "key type k=" + record.key_type_name + " does not match a=" + sig.algorithm_name);
      continue;
    }
    std::string_view hash_name = HashOf(sig.algorithm) == HashAlgorithm::kSha1 ? "sha1" : "sha256";
    if (!record.AllowsHash(hash_name)) {
      Outcome(r, DkimResult::kPermError,
                  "key h= does not allow " + std::string(hash_name));
      continue;
    }
    if (!record.AllowsEmail()) {
      Outcome(r, DkimResult::kPermError, "key s= does not include email");
      continue;
    }
    if (record.strict_identity) {
      size_t at = sig.identity.rfind('@');
      std::string_view i_domain = std::string_view(sig.identity).substr(at + 1);
      if (!EqualsIgnoreCase(i_domain, sig.domain)) {
        Outcome(r, DkimResult::kPermError,
                    "key t=s forbids i= in a subdomain of d= (i=" + sig.identity + ")");
        continue;
      }
    }
    if (!record.public_key) {
      Outcome(r, DkimResult::kPermError, "unusable key: " + record.public_key_error);
      continue;
    }
    const PublicKey& public_key = *record.public_key;
    r.key_bits = public_key.bits();

    // Body hash, shared between signatures with the same parameters.
    BodyHashKey bh_key{sig.canonicalization.body, HashOf(sig.algorithm), sig.body_length};
    const BodyHash* body_hash = nullptr;
    for (size_t k = 0; k < body_hash_count; ++k) {
      if (body_hashes_[k].first == bh_key) body_hash = &body_hashes_[k].second;
    }
    if (body_hash == nullptr) {
      if (body_hashes_.size() <= body_hash_count) body_hashes_.emplace_back();
      auto& [key_slot, hash_slot] = body_hashes_[body_hash_count++];
      key_slot = bh_key;
      Hasher& body_hasher = bh_key.hash == HashAlgorithm::kSha1 ? sha1_ : sha256_;
      ComputeBodyHash(bh_key.canon, body_hasher, message.body(), bh_key.limit, hash_slot);
      body_hash = &hash_slot;
    }
    if (sig.body_length && *sig.body_length > body_hash->canonical_length) {
      Outcome(r, DkimResult::kPermError, "l= is longer than the body");
      continue;
    }
    if (body_hash->digest != sig.body_hash) {
      Outcome(r, DkimResult::kFail, "body hash mismatch");
      continue;
    }

    data_.clear();
    AppendSelectedHeaders(message, sig.signed_headers, sig.canonicalization.header, data_);
    AppendWithoutSignatureValue(*fields[i], sig, sig.canonicalization.header, data_);
    Hasher& hasher = HashOf(sig.algorithm) == HashAlgorithm::kSha1 ? sha1_ : sha256_;
    hasher.Reset();
    hasher.Update(data_);
    hasher.Finish(header_digest_);
    if (!public_key.VerifyDigest(HashOf(sig.algorithm), header_digest_, sig.signature)) {
      Outcome(r, DkimResult::kFail, "signature mismatch");
      continue;
    }
    // Cryptographically good; now the policies of RFC 8301.
    if (sig.algorithm == SigningAlgorithm::kRsaSha1) {
      Outcome(r, DkimResult::kPolicy, "rsa-sha1 is not accepted (RFC 8301)");
      continue;
    }
    if (public_key.type() == KeyType::kRsa && r.key_bits < options_.min_rsa_bits) {
      Outcome(r, DkimResult::kPolicy,
                  "key shorter than " + std::to_string(options_.min_rsa_bits) + " bits (" +
                      std::to_string(r.key_bits) + ")");
      continue;
    }
    if (from_problem) {
      Outcome(r, DkimResult::kPolicy, *from_problem);
      continue;
    }
    Outcome(r, DkimResult::kPass, "");
  }
  return results;
}

}  // namespace dkim
