#include "bench/dkim_figures.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/header_selection.h"
#include "dkim/key_record.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/signer.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"

namespace bench {
namespace {

constexpr char kDomain[] = "example.org";
constexpr char kSelector[] = "bench";
// A fixed "now" for t= and for checking it, so runs are alike.
constexpr int64_t kNow = 1763455287;  // 2025-11-18
// Verification copies of the message prepared per batch: keep them within
// the caches' reach, like the one buffer a verifier has just received.
constexpr size_t kCopyBudgetBytes = 512 * 1024;

// Results of timed operations land here, so the compiler cannot drop them.
volatile uint64_t g_sink = 0;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(2);
}

MeasureOptions WithMaxBatch(MeasureOptions options, size_t message_bytes) {
  options.max_batch = std::max<size_t>(1, kCopyBudgetBytes / std::max<size_t>(1, message_bytes));
  return options;
}

// Checks that `results` is exactly one pass; otherwise explains.
std::string WhyNotPass(const std::vector<dkim::SignatureResult>& results) {
  if (results.size() != 1)
    return "expected 1 signature result, got " + std::to_string(results.size());
  if (results[0].result != dkim::DkimResult::kPass) {
    return "verification gave " + std::string(dkim::ToString(results[0].result)) + " (" +
           results[0].reason + ")";
  }
  return "";
}

bool IsOnePass(const std::vector<dkim::SignatureResult>& results) {
  return results.size() == 1 && results[0].result == dkim::DkimResult::kPass;
}

dkim::SignerOptions BenchSignerOptions(const Algorithm& algorithm) {
  dkim::SignerOptions options;
  options.domain = kDomain;
  options.selector = kSelector;
  options.algorithm = algorithm.signing;
  options.canonicalization = {dkim::Canon::kRelaxed, dkim::Canon::kRelaxed};
  return options;
}

}  // namespace

dkim::Result<SignVerifyFigures> MeasureSignVerify(const Algorithm& algorithm,
                                                  const dkim::PrivateKey& key,
                                                  const std::string& message_bytes,
                                                  const SignVerifyWanted& wanted,
                                                  const MeasureOptions& options) {
  auto message = dkim::Message::Parse(message_bytes);
  if (!message.ok()) return dkim::Error{"cannot parse the benchmark message: " + message.error()};
  auto signer = dkim::Signer::Create(BenchSignerOptions(algorithm), key.Clone());
  if (!signer.ok()) return dkim::Error{"cannot create the signer: " + signer.error()};

  // The signed message a verifier would receive, and the key it will find.
  auto signature = signer->Sign(*message, kNow);
  if (!signature.ok()) return dkim::Error{"signing failed: " + signature.error()};
  const std::string signed_bytes = *signature + message_bytes;
  auto signed_message = dkim::Message::Parse(signed_bytes);
  if (!signed_message.ok()) {
    return dkim::Error{"cannot parse the signed message: " + signed_message.error()};
  }
  dkim::StaticTxtResolver dns;
  dns.Add(dkim::KeyRecordName(kSelector, kDomain),
          dkim::FormatKeyRecord(algorithm.key_type, key.PublicKeyBase64()));
  dkim::DnsKeyResolver keys(dns, [] { return kNow; });
  dkim::Verifier verifier(keys);

  // The first verification must pass, or the figures would mean nothing.
  const std::string why = WhyNotPass(verifier.Verify(*signed_message, kNow));
  if (!why.empty()) return dkim::Error{algorithm.label + ": " + why};

  SignVerifyFigures figures;
  figures.signed_bytes = signed_bytes.size();
  if (wanted.sign) {
    figures.sign = MeasureRate(options, [&](size_t) {
      auto s = signer->Sign(*message, kNow);
      if (!s.ok()) Die("signing failed: " + s.error());
      g_sink = g_sink + s->size();
    });
  }
  if (wanted.sign_bh_given) {
    const std::optional<std::string> body_hash = signer->BodyHash(*message);
    figures.sign_bh_given = MeasureRate(options, [&](size_t) {
      auto s = signer->Sign(*message, kNow, body_hash);
      if (!s.ok()) Die("signing failed: " + s.error());
      g_sink = g_sink + s->size();
    });
  }
  if (wanted.verify) {
    std::vector<std::string> received;
    figures.verify = MeasureRate(
        WithMaxBatch(options, signed_bytes.size()),
        [&](size_t i) {
          auto m = dkim::Message::Parse(std::move(received[i]));
          if (!m.ok()) Die("cannot parse the signed message: " + m.error());
          auto results = verifier.Verify(*m, kNow);
          if (!IsOnePass(results)) Die(algorithm.label + ": " + WhyNotPass(results));
          g_sink = g_sink + results.size();
        },
        [&](size_t n) { received.assign(n, signed_bytes); });
  }
  if (wanted.verify_parsed) {
    figures.verify_parsed = MeasureRate(options, [&](size_t) {
      auto results = verifier.Verify(*signed_message, kNow);
      if (!IsOnePass(results)) Die(algorithm.label + ": " + WhyNotPass(results));
      g_sink = g_sink + results.size();
    });
  }
  figures.txt_lookups = dns.lookups();
  return figures;
}

dkim::Result<PartFigures> MeasureParts(const Algorithm& algorithm, const dkim::PrivateKey& key,
                                       const std::string& message_bytes, const PartsWanted& wanted,
                                       const MeasureOptions& options) {
  auto message = dkim::Message::Parse(message_bytes);
  if (!message.ok()) return dkim::Error{"cannot parse the benchmark message: " + message.error()};
  auto signer = dkim::Signer::Create(BenchSignerOptions(algorithm), key.Clone());
  if (!signer.ok()) return dkim::Error{"cannot create the signer: " + signer.error()};
  auto field = signer->Sign(*message, kNow);
  if (!field.ok()) return dkim::Error{"signing failed: " + field.error()};
  auto signed_message = dkim::Message::Parse(*field + message_bytes);
  if (!signed_message.ok()) {
    return dkim::Error{"cannot parse the signed message: " + signed_message.error()};
  }
  const std::vector<const dkim::HeaderField*> fields =
      signed_message->FieldsNamed("DKIM-Signature");
  if (fields.size() != 1) return dkim::Error{"the signed message has no DKIM-Signature"};
  const dkim::HeaderField& signature_field = *fields[0];
  auto parsed = dkim::ParseSignature(signature_field.value());
  if (!std::holds_alternative<dkim::Signature>(parsed)) {
    return dkim::Error{"our own signature does not parse: " +
                       std::get<dkim::SignatureParseError>(parsed).reason};
  }
  const dkim::Signature& signature = std::get<dkim::Signature>(parsed);
  auto public_key = dkim::PublicKey::FromRecordBytes(algorithm.key_type,
                                                     *dkim::Base64Decode(key.PublicKeyBase64()));
  if (!public_key.ok()) return dkim::Error{"cannot load the public key: " + public_key.error()};

  PartFigures figures;
  if (wanted.parse_signature) {
    figures.parse_signature = MeasureRate(options, [&](size_t) {
      g_sink = g_sink + dkim::ParseSignature(signature_field.value()).index();
    });
  }
  // The digest the header hash gives, for the sign/verify parts below.
  dkim::Hasher hasher(dkim::HashAlgorithm::kSha256);
  std::string data;
  auto header_hash = [&] {
    data.clear();
    dkim::AppendSelectedHeaders(*signed_message, signature.signed_headers, dkim::Canon::kRelaxed,
                                data);
    dkim::AppendCanonicalHeaderNoCrlf(dkim::Canon::kRelaxed, signature_field.raw, data);
    hasher.Reset();
    hasher.Update(data);
    return hasher.Finish();
  };
  const dkim::Digest digest = header_hash();
  if (wanted.header_hash) {
    figures.header_hash = MeasureRate(
        options, [&](size_t) { g_sink = g_sink + static_cast<unsigned char>(header_hash()[0]); });
  }
  if (wanted.sign_digest) {
    dkim::PrivateKey signing_key = key.Clone();
    figures.sign_digest = MeasureRate(options, [&](size_t) {
      auto s = signing_key.SignDigest(digest);
      if (!s.ok()) Die("signing failed: " + s.error());
      g_sink = g_sink + s->size();
    });
  }
  if (wanted.verify_digest) {
    const std::string good = *dkim::PrivateKey(key.Clone()).SignDigest(digest);
    if (!public_key->VerifyDigest(dkim::HashAlgorithm::kSha256, digest, good)) {
      return dkim::Error{algorithm.label + ": PublicKey::VerifyDigest rejects a good signature"};
    }
    figures.verify_digest = MeasureRate(options, [&](size_t) {
      if (!public_key->VerifyDigest(dkim::HashAlgorithm::kSha256, digest, good)) {
        Die(algorithm.label + ": PublicKey::VerifyDigest rejects a good signature");
      }
      g_sink = g_sink + 1;
    });
  }
  return figures;
}

dkim::Result<BodyFigures> MeasureBody(const std::string& message_bytes, const BodyWanted& wanted,
                                      const MeasureOptions& options) {
  auto message = dkim::Message::Parse(message_bytes);
  if (!message.ok()) return dkim::Error{"cannot parse the benchmark message: " + message.error()};
  const std::string_view body = message->body();
  BodyFigures figures;
  figures.body_bytes = body.size();

  if (wanted.canon) {
    uint64_t canonical_bytes = 0;
    const dkim::BodySink count = [&](std::string_view run) { canonical_bytes += run.size(); };
    figures.canon = MeasureRate(options, [&](size_t) {
      g_sink = g_sink + dkim::CanonicalizeBody(dkim::Canon::kRelaxed, body, count);
    });
    g_sink = g_sink + canonical_bytes;
  }
  if (wanted.hasher) {
    dkim::Hasher hasher(dkim::HashAlgorithm::kSha256);
    figures.hasher = MeasureRate(options, [&](size_t) {
      hasher.Reset();
      hasher.Update(body);
      g_sink = g_sink + static_cast<unsigned char>(hasher.Finish()[0]);
    });
  }
  if (wanted.body_hash) {
    // The algorithm does not matter for the body hash; Ed25519 keys are
    // quick to make.
    auto key = dkim::PrivateKey::Generate(dkim::KeyType::kEd25519);
    if (!key.ok()) return dkim::Error{"cannot generate a key: " + key.error()};
    const Algorithm ed25519{"ed25519", dkim::KeyType::kEd25519,
                            dkim::SigningAlgorithm::kEd25519Sha256};
    auto signer = dkim::Signer::Create(BenchSignerOptions(ed25519), std::move(*key));
    if (!signer.ok()) return dkim::Error{"cannot create the signer: " + signer.error()};
    figures.body_hash = MeasureRate(options, [&](size_t) {
      g_sink = g_sink + static_cast<unsigned char>(signer->BodyHash(*message)[0]);
    });
  }
  return figures;
}

dkim::Result<Rate> MeasureParse(const std::string& message_bytes, const MeasureOptions& options) {
  if (auto probe = dkim::Message::Parse(message_bytes); !probe.ok()) {
    return dkim::Error{"cannot parse the benchmark message: " + probe.error()};
  }
  std::vector<std::string> received;
  return MeasureRate(
      WithMaxBatch(options, message_bytes.size()),
      [&](size_t i) {
        auto m = dkim::Message::Parse(std::move(received[i]));
        if (!m.ok()) Die("cannot parse the benchmark message: " + m.error());
        g_sink = g_sink + m->headers().size();
      },
      [&](size_t n) { received.assign(n, message_bytes); });
}

}  // namespace bench
