// header_selection: what many repeated header fields cost, before and after.
//
// NAME
//   bench_headers - hardening finding 12: a post with N To fields (and a
//   signature whose h= names To N times) made the verifier and the signer
//   quadratic. For N = 1,000 to 160,000 this prints, in CPU time, the header
//   selection of the verifier as it was (a scan from the bottom per h= name,
//   kept here for comparison and run only up to --old-max fields) next to
//   dkim::AppendSelectedHeaders as it is, and the list's Signer::Sign (whose
//   h= lists each name at most kMaxSignedInstancesPerName times), with the
//   ratio old/new.
// SYNOPSIS
//   bench_headers [--old-max N]   (default 40000: the old way at 160,000
//   fields takes tens of seconds)
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench/stopwatch.h"
#include "dkim/crypto.h"
#include "dkim/header_selection.h"
#include "dkim/message.h"
#include "dkim/signer.h"

namespace {

// The selection as it was before finding 12: one scan per h= name.
void OldSelection(const dkim::Message& message, const std::vector<std::string>& names,
                  std::string& out) {
  const auto& fields = message.headers();
  std::vector<unsigned char> used(fields.size(), 0);
  for (const std::string& name : names) {
    for (size_t k = fields.size(); k-- > 0;) {
      if (!used[k] && dkim::EqualsIgnoreCase(fields[k].name, name)) {
        used[k] = 1;
        dkim::AppendCanonicalHeader(dkim::Canon::kRelaxed, fields[k].raw, out);
        break;
      }
    }
  }
}

std::string MessageWithToFields(size_t count) {
  std::string m = "From: Jane <jane@example.org>\r\nSubject: many\r\n";
  for (size_t i = 0; i < count; ++i) m += "To: member" + std::to_string(i) + "@example.net\r\n";
  return m + "\r\nbody\r\n";
}

template <typename Body>
double CpuMillis(Body body) {
  const double start = bench::ClockSeconds(bench::ClockKind::kThreadCpu);
  body();
  return (bench::ClockSeconds(bench::ClockKind::kThreadCpu) - start) * 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  size_t old_max = 40000;
  po::options_description options("bench_headers");
  options.add_options()("help,h", "show this help")("old-max", po::value(&old_max),
                                                    "largest N the old selection runs for");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, options), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  auto key = dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 2048);
  dkim::SignerOptions signing;
  signing.domain = "lists.example.org";
  signing.selector = "s";
  signing.oversign = {"From", "To"};
  auto signer = dkim::Signer::Create(signing, std::move(*key));
  if (!signer) {
    std::cerr << signer.error() << "\n";
    return 1;
  }
  std::printf("%9s %14s %14s %9s %14s %10s\n", "To fields", "old select ms", "new select ms",
              "old/new", "sign ms", "h= To");
  for (size_t n : {size_t{1000}, size_t{10000}, size_t{40000}, size_t{160000}}) {
    auto message = dkim::Message::Parse(MessageWithToFields(n));
    if (!message) return 1;
    const std::vector<std::string> names(n, "To");  // a crafted h=
    std::string out;
    double old_ms = -1;
    if (n <= old_max) old_ms = CpuMillis([&] { OldSelection(*message, names, out); });
    const std::string old_out = out;
    out.clear();
    const double new_ms = CpuMillis(
        [&] { dkim::AppendSelectedHeaders(*message, names, dkim::Canon::kRelaxed, out); });
    if (old_ms >= 0 && old_out != out) {
      std::cerr << "the two selections differ at N=" << n << "\n";
      return 1;
    }
    std::string signature;
    const double sign_ms = CpuMillis([&] { signature = *signer->Sign(*message, 1700000000); });
    size_t listed = 0;
    for (const std::string& name :
         dkim::SignedFieldNames(*message, signing.headers, signing.oversign)) {
      listed += name == "To";
    }
    if (old_ms >= 0) {
      std::printf("%9zu %14.1f %14.2f %9.0f %14.2f %10zu\n", n, old_ms, new_ms,
                  old_ms / (new_ms > 0.01 ? new_ms : 0.01), sign_ms, listed);
    } else {
      std::printf("%9zu %14s %14.2f %9s %14.2f %10zu\n", n, "-", new_ms, "-", sign_ms, listed);
    }
  }
  return 0;
}
