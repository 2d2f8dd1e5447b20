// Sign alone versus sign + ARC seal, timed side by side (see arc_figures.h).
//
// STANDARDS
//   RFC 8617 section 5.1 (the sealer's actions that are timed), 5.2 (the
//   validation that checks the result); RFC 6376 section 5 (the DKIM
//   signature the sealed post carries).
// LIMITS
//   one ARC set on a post without a chain (i=1, cv=none); the AAR carries
//   the fixed payload "arc=none"; d=example.org, s=bench for both.
#include "bench/arc_figures.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "dkim/arc_sealer.h"
#include "dkim/arc_validator.h"
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
constexpr char kAuthservId[] = "lists.example.org";
constexpr std::string_view kResults = "arc=none";
// The same fixed "now" as the DKIM figures, so signatures are alike.
constexpr int64_t kNow = 1763455287;  // 2025-11-18

// Results of timed operations land here, so the compiler cannot drop them.
volatile uint64_t g_sink = 0;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(2);
}

}  // namespace

dkim::Result<SealSignFigures> MeasureSealSign(const Algorithm& algorithm,
                                              const dkim::PrivateKey& key,
                                              const std::string& message_bytes,
                                              const MeasureOptions& options) {
  auto message = dkim::Message::Parse(message_bytes);
  if (!message.ok()) return dkim::Error{"cannot parse the benchmark message: " + message.error()};
  // The signer as in the sign rows: relaxed/relaxed, default headers.
  dkim::SignerOptions signer_options;
  signer_options.domain = kDomain;
  signer_options.selector = kSelector;
  signer_options.algorithm = algorithm.signing;
  signer_options.canonicalization = {dkim::Canon::kRelaxed, dkim::Canon::kRelaxed};
  auto signer = dkim::Signer::Create(std::move(signer_options), key.Clone());
  if (!signer.ok()) return dkim::Error{"cannot create the signer: " + signer.error()};
  dkim::ArcSealerOptions sealer_options;
  sealer_options.domain = kDomain;
  sealer_options.selector = kSelector;
  sealer_options.algorithm = algorithm.signing;
  sealer_options.authserv_id = kAuthservId;
  auto sealer = dkim::ArcSealer::Create(std::move(sealer_options), key.Clone());
  if (!sealer.ok()) return dkim::Error{"cannot create the sealer: " + sealer.error()};

  dkim::StaticTxtResolver dns;
  dns.Add(dkim::KeyRecordName(kSelector, kDomain),
          dkim::FormatKeyRecord(algorithm.key_type, key.PublicKeyBase64()));
  dkim::DnsKeyResolver keys(dns, [] { return kNow; });

  // The chain a sealer finds on a fresh post: none. Validated once, untimed
  // (the bytes the sealer sees differ only by the new DKIM-Signature,
  // which does not change an empty chain's verdict).
  auto field = signer->Sign(*message, kNow);
  if (!field.ok()) return dkim::Error{"signing failed: " + field.error()};
  auto signed_message = dkim::Message::Parse(*field + message_bytes);
  if (!signed_message.ok()) {
    return dkim::Error{"cannot parse the signed message: " + signed_message.error()};
  }
  dkim::ArcValidator validator(keys);
  const dkim::ArcValidation chain = validator.Validate(*signed_message, kNow);
  if (chain.result != dkim::ArcResult::kNone || chain.instances != 0) {
    return dkim::Error{algorithm.label + ": the benchmark post already has an ARC chain (" +
                       std::string(dkim::ToString(chain.result)) + ")"};
  }

  // The operation under test. The ARC fields are what it yields, as Sign
  // yields only its field; prepending them is writing the message out.
  struct SealedPost {
    std::string arc_fields;
    dkim::Message signed_post;
  };
  auto seal_sign = [&]() -> dkim::Result<SealedPost> {
    auto dkim_field = signer->Sign(*message, kNow);
    if (!dkim_field.ok()) return dkim::Error{"signing failed: " + dkim_field.error()};
    std::string bytes = std::move(*dkim_field);
    bytes += message_bytes;
    auto post = dkim::Message::Parse(std::move(bytes));
    if (!post.ok()) return dkim::Error{"cannot parse the signed message: " + post.error()};
    auto arc = sealer->Seal(*post, chain, kResults, kNow);
    if (!arc.ok()) return dkim::Error{"sealing failed: " + arc.error()};
    return SealedPost{std::move(*arc), std::move(*post)};
  };

  // The sealed post must carry a passing DKIM signature and a passing ARC
  // chain of one set, or the figure would time something useless.
  auto sealed = seal_sign();
  if (!sealed.ok()) return dkim::Error{algorithm.label + ": " + sealed.error()};
  auto sealed_message =
      dkim::Message::Parse(sealed->arc_fields + std::string(sealed->signed_post.bytes()));
  if (!sealed_message.ok()) {
    return dkim::Error{"cannot parse the sealed message: " + sealed_message.error()};
  }
  dkim::Verifier verifier(keys);
  const auto dkim_results = verifier.Verify(*sealed_message, kNow);
  if (dkim_results.size() != 1 || dkim_results[0].result != dkim::DkimResult::kPass) {
    return dkim::Error{algorithm.label + ": the sealed post's DKIM signature does not pass"};
  }
  const dkim::ArcValidation sealed_chain = validator.Validate(*sealed_message, kNow);
  if (sealed_chain.result != dkim::ArcResult::kPass || sealed_chain.instances != 1) {
    return dkim::Error{algorithm.label + ": the sealed post's ARC chain gives " +
                       std::string(dkim::ToString(sealed_chain.result)) + " (" +
                       sealed_chain.reason + ")"};
  }

  SealSignFigures figures;
  figures.sign = MeasureRate(options, [&](size_t) {
    auto s = signer->Sign(*message, kNow);
    if (!s.ok()) Die("signing failed: " + s.error());
    g_sink = g_sink + s->size();
  });
  figures.seal_sign = MeasureRate(options, [&](size_t) {
    auto s = seal_sign();
    if (!s.ok()) Die(algorithm.label + ": " + s.error());
    g_sink = g_sink + s->arc_fields.size();
  });
  return figures;
}

}  // namespace bench
