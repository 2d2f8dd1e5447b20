// Stage 6, sign (see sign.h for the standards it follows).
#include "listd/pipeline/sign.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/ascii.h"
#include "dkim/arc_sealer.h"
#include "dkim/canonicalization.h"
#include "dkim/message.h"
#include "dkim/signer.h"

namespace listd::pipeline {
namespace {

// The fields listd adds or owns in every post it sends: a receiver must be
// able to trust them, so they are signed, and the List-* ones oversigned,
// since a forged List-Unsubscribe added in transit would be a phishing
// vector (RFC 8058 section 4 asks the same of List-Unsubscribe-Post).
const std::vector<std::string>& ListFields() {
  static const std::vector<std::string> fields = {"List-Id",
                                                  "List-Post",
                                                  "List-Help",
                                                  "List-Subscribe",
                                                  "List-Unsubscribe",
                                                  "List-Owner",
                                                  "List-Unsubscribe-Post"};
  return fields;
}

dkim::SigningAlgorithm AlgorithmOf(const SigningKey& key) {
  return key.algorithm == storage::KeyAlgorithm::kRsa ? dkim::SigningAlgorithm::kRsaSha256
                                                      : dkim::SigningAlgorithm::kEd25519Sha256;
}

// Appends the names of `more` that `names` lacks (case-insensitive).
void AddMissing(std::vector<std::string>& names, const std::vector<std::string>& more) {
  for (const std::string& name : more) {
    const bool present = std::any_of(names.begin(), names.end(), [&](const std::string& have) {
      return base::LowerAscii(have) == base::LowerAscii(name);
    });
    if (!present) names.push_back(name);
  }
}

}  // namespace

std::vector<std::string> SignedFields(const ListContext& list) {
  std::vector<std::string> names = list.settings.signed_headers();
  AddMissing(names, ListFields());
  AddMissing(names, {"Precedence", "Authentication-Results"});
  return names;
}

std::vector<std::string> OversignedFields(const ListContext& list) {
  std::vector<std::string> names = list.settings.oversigned_headers();
  AddMissing(names, ListFields());
  return names;
}

namespace {

// Adds the ARC set over `message` (see SEALING in sign.h); returns the
// sealed message, or the message and why it was not sealed.
base::Result<std::pair<std::string, std::string>> Seal(std::string message, ListContext& list,
                                                       int64_t now, const SealRequest& seal) {
  SigningKey* key = nullptr;
  for (SigningKey& candidate : list.keys) {
    if (!key || (candidate.algorithm == storage::KeyAlgorithm::kRsa &&
                 key->algorithm != storage::KeyAlgorithm::kRsa)) {
      key = &candidate;
    }
  }
  if (!key) return std::make_pair(std::move(message), std::string("not sealed: no active key"));
  if (seal.chain->newest_seal_says_fail) {
    return std::make_pair(std::move(message),
                          std::string("not sealed: the chain's newest seal says cv=fail"));
  }
  auto parsed = dkim::Message::Parse(std::move(message));
  if (!parsed) return base::Error{"sealing: cannot parse the signed post: " + parsed.error()};
  dkim::ArcSealerOptions options;
  options.domain = list.settings.signing_domain();
  options.selector = key->selector;
  options.algorithm = AlgorithmOf(*key);
  options.authserv_id = seal.authserv_id;
  options.headers = SignedFields(list);
  AddMissing(options.headers, {"DKIM-Signature"});
  options.oversign = OversignedFields(list);
  auto sealer = dkim::ArcSealer::Create(std::move(options), key->key.Clone());
  if (!sealer) return sealer.failure().Prefixed("sealing with " + key->selector);
  auto fields =
      sealer->Seal(*parsed, *seal.chain, dkim::CollectAuthResults(*parsed, seal.authserv_id), now);
  if (!fields) return fields.failure().Prefixed("sealing with " + key->selector);
  std::string sealed = *fields;
  sealed += parsed->bytes();
  return std::make_pair(std::move(sealed), "sealed i=" + std::to_string(seal.chain->instances + 1) +
                                               " s=" + key->selector);
}

}  // namespace

base::Result<Signed> Sign(std::string message, ListContext& list, int64_t now,
                          const SealRequest* seal) {
  Signed out;
  if (list.keys.empty()) {
    out.message = std::move(message);
    out.summary = "unsigned: the list has no active key (listctl key generate, then activate)";
    return out;
  }
  auto parsed = dkim::Message::Parse(std::move(message));
  if (!parsed) return base::Error{"signing: cannot parse the decorated post: " + parsed.error()};
  auto canonicalization = dkim::ParseCanonicalization(list.settings.canonicalization());
  if (!canonicalization) return canonicalization.failure().Prefixed("signing");
  const int64_t lifetime = list.settings.signature_lifetime();

  std::string fields;
  std::string summary = "signed";
  // Every key signs with the same c= and SHA-256, so the body is hashed
  // once for all of them (RFC 6376 section 3.7: bh= depends on neither the
  // key nor the header fields).
  std::optional<std::string> body_hash;
  for (SigningKey& key : list.keys) {
    dkim::SignerOptions options;
    options.domain = list.settings.signing_domain();
    options.selector = key.selector;
    options.algorithm = AlgorithmOf(key);
    options.canonicalization = *canonicalization;
    options.headers = SignedFields(list);
    options.oversign = OversignedFields(list);
    if (lifetime > 0) options.lifetime = lifetime;
    // The Signer takes its key; each post gets a clone so the list's opened
    // keys serve every post of the pass.
    auto signer = dkim::Signer::Create(std::move(options), key.key.Clone());
    if (!signer) return signer.failure().Prefixed("signing with " + key.selector);
    if (!body_hash) body_hash = signer->BodyHash(*parsed);
    auto field = signer->Sign(*parsed, now, body_hash);
    if (!field) return field.failure().Prefixed("signing with " + key.selector);
    fields += *field;
    summary += out.signatures == 0 ? " " : ", ";
    summary += key.algorithm == storage::KeyAlgorithm::kRsa ? "rsa-sha256" : "ed25519-sha256";
    summary += " s=" + key.selector;
    ++out.signatures;
  }
  out.message = fields;
  out.message += parsed->bytes();
  out.summary = summary + " d=" + list.settings.signing_domain();
  if (seal && seal->chain && list.settings.arc()) {
    auto sealed = Seal(std::move(out.message), list, now, *seal);
    if (!sealed) return sealed.failure();
    out.message = std::move(sealed->first);
    out.summary += "; " + sealed->second;
  }
  return out;
}

}  // namespace listd::pipeline
