// bench: how fast dkim/ signs and verifies, next to what OpenSSL's
// primitives allow on this machine in the same run.
//
// For each figure the reference is the cost of the cryptography a DKIM
// operation cannot avoid: one signature (or verification) plus one SHA-256
// pass over the message's bytes, both timed by `openssl speed`:
//   reference msg/s = 1 / (1/sign_per_s + N / sha256_bytes_per_s)
// and ratio = ours / reference. The project's target is a ratio of at least
// 0.9 for sign and verify (from bytes), 4 KB and 100 KB, RSA-2048 and
// Ed25519. Diagnostic rows (no target) show where the time goes; the
// seal+sign rows set DKIM signing plus ARC sealing against signing alone,
// both timed by us side by side.
//
// The whole suite runs --repeat times (passes); each row keeps its best
// figure and its best reference. Single-threaded. Exits 0 whatever the
// ratios (it is a report); 1 on bad options; 2 when a measurement cannot be
// made (e.g. a verification that does not pass) or openssl gave no
// reference for a target figure. See bench/README.md.
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "bench/arc_figures.h"
#include "bench/corpus.h"
#include "bench/dkim_figures.h"
#include "bench/openssl_speed.h"
#include "bench/report.h"
#include "dkim/crypto.h"

namespace po = boost::program_options;

namespace {

constexpr double kTarget = 0.9;

struct MessageSize {
  size_t bytes;
  std::string label;
};

const std::vector<MessageSize> kSizes = {{4 * 1024, "4KB"}, {100 * 1024, "100KB"}};
// Body diagnostics run on the large message only: the per-byte costs show
// there, not drowned by the signature.
const MessageSize kBodySize = kSizes.back();

const std::vector<bench::Algorithm> kAlgorithms = {
    {"rsa2048", dkim::KeyType::kRsa, dkim::SigningAlgorithm::kRsaSha256},
    {"ed25519", dkim::KeyType::kEd25519, dkim::SigningAlgorithm::kEd25519Sha256},
};

struct Options {
  double seconds = 0.5;
  int openssl_seconds = 1;
  std::string openssl = "openssl";
  bool json = false;
  bool wall = false;
  int repeat = 3;
  std::vector<std::string> only;
};

// printf into a std::string, for the report's context lines.
__attribute__((format(printf, 1, 2))) std::string Format(const char* format, ...) {
  char buffer[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

// Row names are selected by --only as substrings; none given selects all.
bool Wanted(const Options& options, const std::string& name) {
  if (options.only.empty()) return true;
  for (const std::string& part : options.only) {
    if (name.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string RowName(const std::string& what, const std::string& algorithm,
                    const std::string& size) {
  return what + "/" + algorithm + "/" + size;
}

// Returns false (after printing why, or the help) when the program should
// stop with `exit_code`.
bool ParseOptions(int argc, char** argv, Options& options, int& exit_code) {
  po::options_description description(
      "bench: DKIM sign/verify messages per second against `openssl speed`.\nOptions");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("seconds", po::value<double>(&options.seconds)->default_value(0.5),
      "timed seconds per figure of ours, per pass");
  add("openssl-seconds", po::value<int>(&options.openssl_seconds)->default_value(1),
      "seconds per `openssl speed` test, per pass");
  add("openssl", po::value<std::string>(&options.openssl)->default_value("openssl"),
      "the openssl program to run for the references");
  add("json", po::bool_switch(&options.json), "print one JSON object per line");
  add("only", po::value<std::vector<std::string>>(&options.only)->composing(),
      "run only rows whose name contains this text (repeatable)");
  add("repeat", po::value<int>(&options.repeat)->default_value(3),
      "passes over the whole suite; each row keeps its best figure and best reference");
  add("wall", po::bool_switch(&options.wall),
      "time by the wall clock (openssl speed -elapsed) instead of CPU time");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, description), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::printf("%s\n", (std::ostringstream() << description).str().c_str());
      exit_code = 0;
      return false;
    }
  } catch (const po::error& e) {
    std::fprintf(stderr, "bench: %s\n", e.what());
    exit_code = 1;
    return false;
  }
  if (!(options.seconds > 0) || options.repeat < 1 || options.openssl_seconds < 1) {
    std::fprintf(stderr, "bench: --seconds must be > 0, --repeat >= 1, --openssl-seconds >= 1\n");
    exit_code = 1;
    return false;
  }
  return true;
}

// The OpenSSL figures, taken once per pass when first needed; the best of
// all passes is kept for the heading of the report.
class References {
 public:
  References(const Options& options, bench::Report& report)
      : speed_(options.openssl, options.openssl_seconds, options.wall), report_(report) {}

  // Forgets this pass's figures (the best ones stay).
  void NewPass() {
    sha256_.clear();
    sign_verify_.clear();
  }

  // SHA-256 bytes per second at `size` in this pass, or nothing when openssl failed.
  std::optional<double> Sha256(const MessageSize& size) {
    auto [it, inserted] = sha256_.try_emplace(size.label);
    if (inserted) {
      auto rate = speed_.Sha256BytesPerSecond(size.bytes);
      if (rate.ok()) {
        it->second = *rate;
        double& best = Best(best_sha256_, size.label);
        best = std::max(best, *rate);
      } else {
        report_.Progress("openssl speed sha256 failed: " + rate.error());
      }
    }
    return it->second;
  }

  // Sign and verify per second for `algorithm` in this pass, or nothing
  // when openssl failed.
  std::optional<bench::SignVerifyRate> SignVerify(const bench::Algorithm& algorithm) {
    auto [it, inserted] = sign_verify_.try_emplace(algorithm.label);
    if (inserted) {
      auto rate = algorithm.key_type == dkim::KeyType::kRsa ? speed_.Rsa2048() : speed_.Ed25519();
      if (rate.ok()) {
        it->second = *rate;
        bench::SignVerifyRate& best = Best(best_sign_verify_, algorithm.label);
        best.sign_per_second = std::max(best.sign_per_second, rate->sign_per_second);
        best.verify_per_second = std::max(best.verify_per_second, rate->verify_per_second);
      } else {
        report_.Progress("openssl speed " + algorithm.label + " failed: " + rate.error());
      }
    }
    return it->second;
  }

  // Prints the best OpenSSL figures of all passes.
  void NoteBest() const {
    for (const auto& [label, rate] : best_sign_verify_) {
      report_.Note(Format("openssl %s: %.1f sign/s, %.1f verify/s", label.c_str(),
                          rate.sign_per_second, rate.verify_per_second));
    }
    for (const auto& [label, rate] : best_sha256_) {
      report_.Note(Format("openssl sha256 over %s buffers: %.1f MB/s", label.c_str(), rate / 1e6));
    }
  }

  std::string Version() const { return speed_.Version(); }

 private:
  // The entry for `label` in `best`, added (zero) if missing.
  template <typename T>
  static T& Best(std::vector<std::pair<std::string, T>>& best, const std::string& label) {
    for (auto& [name, value] : best) {
      if (name == label) return value;
    }
    return best.emplace_back(label, T{}).second;
  }

  bench::OpensslSpeed speed_;
  bench::Report& report_;
  std::map<std::string, std::optional<double>> sha256_;
  std::map<std::string, std::optional<bench::SignVerifyRate>> sign_verify_;
  // In the order first taken, for the report's heading.
  std::vector<std::pair<std::string, double>> best_sha256_;
  std::vector<std::pair<std::string, bench::SignVerifyRate>> best_sign_verify_;
};

// 1 / (1/op_per_s + bytes/sha_bytes_per_s): one private-key or public-key
// operation plus one SHA-256 pass over the message.
std::optional<double> MessagesPerSecondAllowed(std::optional<double> op_per_second,
                                               std::optional<double> sha256_bytes_per_second,
                                               size_t bytes) {
  if (!op_per_second || !sha256_bytes_per_second) return std::nullopt;
  return 1.0 / (1.0 / *op_per_second + static_cast<double>(bytes) / *sha256_bytes_per_second);
}

std::optional<double> SignRate(const std::optional<bench::SignVerifyRate>& rate) {
  return rate ? std::optional<double>(rate->sign_per_second) : std::nullopt;
}

std::optional<double> VerifyRate(const std::optional<bench::SignVerifyRate>& rate) {
  return rate ? std::optional<double>(rate->verify_per_second) : std::nullopt;
}

// Everything one pass needs.
struct Pass {
  const Options& options;
  const bench::MeasureOptions& measure;
  References& references;
  bench::Report& report;
};

// Runs the sign/verify rows for one algorithm and size. False on a failure
// that makes the figures meaningless.
bool RunSignVerify(Pass& pass, const bench::Algorithm& algorithm, const dkim::PrivateKey& key,
                   const MessageSize& size) {
  const std::string sign_name = RowName("sign", algorithm.label, size.label);
  const std::string sign_bh_name = RowName("sign-bh-given", algorithm.label, size.label);
  const std::string verify_name = RowName("verify", algorithm.label, size.label);
  const std::string verify_parsed_name = RowName("verify-parsed", algorithm.label, size.label);
  bench::SignVerifyWanted wanted;
  wanted.sign = Wanted(pass.options, sign_name);
  wanted.sign_bh_given = Wanted(pass.options, sign_bh_name);
  wanted.verify = Wanted(pass.options, verify_name);
  wanted.verify_parsed = Wanted(pass.options, verify_parsed_name);
  if (!wanted.any()) return true;

  // References first, so they are taken next to our figures.
  const std::optional<double> sha = pass.references.Sha256(size);
  const std::optional<bench::SignVerifyRate> ops = pass.references.SignVerify(algorithm);

  const std::string message = bench::MakePlainTextEmail(size.bytes);
  auto figures = bench::MeasureSignVerify(algorithm, key, message, wanted, pass.measure);
  if (!figures.ok()) {
    std::fprintf(stderr, "bench: %s\n", figures.error().c_str());
    return false;
  }
  const std::optional<double> sign_reference =
      MessagesPerSecondAllowed(SignRate(ops), sha, size.bytes);
  // A verifier's input is the signed message, DKIM-Signature field included,
  // and all of it is hashed: the reference hashes that many bytes.
  const std::optional<double> verify_reference =
      MessagesPerSecondAllowed(VerifyRate(ops), sha, figures->signed_bytes);
  using Extra = bench::Row::Extra;
  if (figures->sign) {
    pass.report.Observe({sign_name, figures->sign->per_second, "msg/s", sign_reference, kTarget,
                         "Signer::Sign on a parsed message", Extra::kOverhead});
  }
  if (figures->sign_bh_given) {
    pass.report.Observe({sign_bh_name, figures->sign_bh_given->per_second, "msg/s", SignRate(ops),
                         std::nullopt, "Sign with the body hash given; ref = openssl sign/s",
                         Extra::kOverhead});
  }
  if (figures->verify) {
    pass.report.Observe({verify_name, figures->verify->per_second, "msg/s", verify_reference,
                         kTarget, "Message::Parse + Verifier::Verify", Extra::kOverhead});
  }
  if (figures->verify_parsed) {
    pass.report.Observe({verify_parsed_name, figures->verify_parsed->per_second, "msg/s",
                         verify_reference, std::nullopt, "Verifier::Verify on a parsed message",
                         Extra::kOverhead});
  }
  if ((figures->verify || figures->verify_parsed) && figures->txt_lookups != 1) {
    pass.report.Note("WARNING: " + std::to_string(figures->txt_lookups) +
                     " TXT lookups reached the StaticTxtResolver for " + algorithm.label + "/" +
                     size.label + "; the DnsKeyResolver cache should have made it 1");
  }
  return true;
}

// Runs the "part" rows for one algorithm: single steps of a verification,
// on the small message (they do not depend on the body).
bool RunParts(Pass& pass, const bench::Algorithm& algorithm, const dkim::PrivateKey& key) {
  const std::string parse_name = "part/parse-signature/" + algorithm.label;
  const std::string header_name = "part/header-hash/" + algorithm.label;
  const std::string sign_name = "part/sign-digest/" + algorithm.label;
  const std::string verify_name = "part/verify-digest/" + algorithm.label;
  bench::PartsWanted wanted;
  wanted.parse_signature = Wanted(pass.options, parse_name);
  wanted.header_hash = Wanted(pass.options, header_name);
  wanted.sign_digest = Wanted(pass.options, sign_name);
  wanted.verify_digest = Wanted(pass.options, verify_name);
  if (!wanted.any()) return true;

  std::optional<bench::SignVerifyRate> ops;
  if (wanted.sign_digest || wanted.verify_digest) ops = pass.references.SignVerify(algorithm);
  auto figures = bench::MeasureParts(algorithm, key, bench::MakePlainTextEmail(kSizes[0].bytes),
                                     wanted, pass.measure);
  if (!figures.ok()) {
    std::fprintf(stderr, "bench: %s\n", figures.error().c_str());
    return false;
  }
  using Extra = bench::Row::Extra;
  if (figures->parse_signature) {
    pass.report.Observe({parse_name, figures->parse_signature->per_second, "op/s", std::nullopt,
                         std::nullopt, "ParseSignature", Extra::kMicros});
  }
  if (figures->header_hash) {
    pass.report.Observe({header_name, figures->header_hash->per_second, "op/s", std::nullopt,
                         std::nullopt, "AppendSelectedHeaders + signature field, relaxed, SHA-256",
                         Extra::kMicros});
  }
  if (figures->sign_digest) {
    pass.report.Observe({sign_name, figures->sign_digest->per_second, "op/s", SignRate(ops),
                         std::nullopt, "PrivateKey::SignDigest; ref = openssl sign/s",
                         Extra::kMicros});
  }
  if (figures->verify_digest) {
    pass.report.Observe({verify_name, figures->verify_digest->per_second, "op/s", VerifyRate(ops),
                         std::nullopt, "PublicKey::VerifyDigest; ref = openssl verify/s",
                         Extra::kMicros});
  }
  return true;
}

// Runs the seal+sign row for one algorithm, on the small message (a list
// post): DKIM signing plus ARC sealing, with DKIM signing alone timed next
// to it as the reference. No target; it says what turning ARC on costs.
bool RunSealSign(Pass& pass, const bench::Algorithm& algorithm, const dkim::PrivateKey& key) {
  const MessageSize& size = kSizes[0];
  const std::string name = RowName("seal+sign", algorithm.label, size.label);
  if (!Wanted(pass.options, name)) return true;
  auto figures =
      bench::MeasureSealSign(algorithm, key, bench::MakePlainTextEmail(size.bytes), pass.measure);
  if (!figures.ok()) {
    std::fprintf(stderr, "bench: %s\n", figures.error().c_str());
    return false;
  }
  pass.report.Observe({name, figures->seal_sign.per_second, "msg/s", figures->sign.per_second,
                       std::nullopt,
                       "Sign + Parse + ArcSealer::Seal; ref = Signer::Sign alone, timed alongside",
                       bench::Row::Extra::kTimes});
  return true;
}

std::optional<double> Megabytes(std::optional<double> bytes) {
  return bytes ? std::optional<double>(*bytes / 1e6) : std::nullopt;
}

// Runs the diagnostic rows: parse, body canonicalization, hashing.
bool RunDiagnostics(Pass& pass) {
  for (const MessageSize& size : kSizes) {
    const std::string name = "parse/" + size.label;
    if (!Wanted(pass.options, name)) continue;
    const std::optional<double> sha = pass.references.Sha256(size);
    auto rate = bench::MeasureParse(bench::MakePlainTextEmail(size.bytes), pass.measure);
    if (!rate.ok()) {
      std::fprintf(stderr, "bench: %s\n", rate.error().c_str());
      return false;
    }
    pass.report.Observe({name, rate->per_second * static_cast<double>(size.bytes) / 1e6, "MB/s",
                         Megabytes(sha), std::nullopt, "Message::Parse; ref = openssl sha256"});
  }

  const std::string canon_name = "body-canon-relaxed/" + kBodySize.label;
  const std::string hasher_name = "body-hasher-sha256/" + kBodySize.label;
  const std::string body_hash_name = "body-hash-relaxed/" + kBodySize.label;
  bench::BodyWanted wanted;
  wanted.canon = Wanted(pass.options, canon_name);
  wanted.body_hash = Wanted(pass.options, body_hash_name);
  // The canonicalization row is compared with our Hasher, so it needs it.
  wanted.hasher = Wanted(pass.options, hasher_name) || wanted.canon;
  if (!wanted.any()) return true;

  const std::optional<double> sha_mb = Megabytes(pass.references.Sha256(kBodySize));
  auto figures =
      bench::MeasureBody(bench::MakePlainTextEmail(kBodySize.bytes), wanted, pass.measure);
  if (!figures.ok()) {
    std::fprintf(stderr, "bench: %s\n", figures.error().c_str());
    return false;
  }
  const double body_mb = static_cast<double>(figures->body_bytes) / 1e6;
  if (figures->hasher && Wanted(pass.options, hasher_name)) {
    pass.report.Observe({hasher_name, figures->hasher->per_second * body_mb, "MB/s", sha_mb,
                         std::nullopt, "our Hasher over the body; ref = openssl sha256"});
  }
  if (figures->canon) {
    pass.report.Observe({canon_name, figures->canon->per_second * body_mb, "MB/s",
                         figures->hasher->per_second * body_mb, std::nullopt,
                         "CanonicalizeBody alone; ref = our Hasher"});
  }
  if (figures->body_hash) {
    pass.report.Observe({body_hash_name, figures->body_hash->per_second * body_mb, "MB/s", sha_mb,
                         std::nullopt, "Signer::BodyHash; ref = openssl sha256"});
  }
  return true;
}

// Whether any row of `algorithm` is selected.
bool AnyRowOf(const Options& options, const bench::Algorithm& algorithm) {
  for (const MessageSize& size : kSizes) {
    for (const char* what : {"sign", "sign-bh-given", "verify", "verify-parsed"}) {
      if (Wanted(options, RowName(what, algorithm.label, size.label))) return true;
    }
  }
  if (Wanted(options, RowName("seal+sign", algorithm.label, kSizes[0].label))) return true;
  for (const char* part : {"parse-signature", "header-hash", "sign-digest", "verify-digest"}) {
    if (Wanted(options, "part/" + std::string(part) + "/" + algorithm.label)) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  int exit_code = 0;
  if (!ParseOptions(argc, argv, options, exit_code)) return exit_code;

  // A busy daemon's heap stays grown. Without this, glibc hands memory back
  // to the kernel whenever a batch of 100 KB messages is freed and faults it
  // in again for the next batch, and the figures measure brk() and page
  // faults instead of DKIM.
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);

  bench::Report report(options.json);
  bench::MeasureOptions measure;
  measure.seconds = options.seconds;
  measure.clock = options.wall ? bench::ClockKind::kWall : bench::ClockKind::kThreadCpu;
  References references(options, report);

  // Keys are made once; every pass signs with the same ones.
  std::map<std::string, dkim::PrivateKey> keys;
  for (const bench::Algorithm& algorithm : kAlgorithms) {
    if (!AnyRowOf(options, algorithm)) continue;
    auto key = dkim::PrivateKey::Generate(algorithm.key_type, 2048);
    if (!key.ok()) {
      std::fprintf(stderr, "bench: cannot generate a %s key: %s\n", algorithm.label.c_str(),
                   key.error().c_str());
      return 2;
    }
    keys.emplace(algorithm.label, std::move(*key));
  }

  Pass pass{options, measure, references, report};
  for (int i = 1; i <= options.repeat; ++i) {
    report.Progress(Format("bench: pass %d of %d", i, options.repeat));
    references.NewPass();
    for (const bench::Algorithm& algorithm : kAlgorithms) {
      auto key = keys.find(algorithm.label);
      if (key == keys.end()) continue;
      for (const MessageSize& size : kSizes) {
        if (!RunSignVerify(pass, algorithm, key->second, size)) return 2;
      }
      if (!RunParts(pass, algorithm, key->second)) return 2;
      if (!RunSealSign(pass, algorithm, key->second)) return 2;
    }
    if (!RunDiagnostics(pass)) return 2;
    if (report.size() == 0) {
      std::fprintf(stderr, "bench: no figure's name contains any --only text\n");
      return 1;
    }
  }

  report.Note("bench: dkim/ against " + references.Version() + "; single thread; " +
              (options.wall ? "wall-clock" : "CPU") + " time; " +
              Format("best of %d passes of %.2f s per figure (openssl: %d s per test)",
                     options.repeat, options.seconds, options.openssl_seconds));
  report.Note(
      "reference msg/s = 1 / (1/(openssl sign or verify per s) + size / (openssl sha256 "
      "bytes per s)); ratio = ours / reference; target >= 0.90 for sign and verify");
  references.NoteBest();
  report.PrintRows();
  // Below-target figures are still a report (exit 0); figures that could
  // not be compared at all mean the run did not do its job.
  return report.PrintSummary() ? 0 : 2;
}
