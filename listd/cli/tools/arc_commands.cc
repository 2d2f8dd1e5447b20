// listctl arc seal | verify.
//
// NAME
//   listctl arc - ARC (RFC 8617) sealing and validation from the shell
// SYNOPSIS
//   listctl arc seal --domain D --selector S --key KEYFILE --authserv-id ID
//                    [--algo rsa-sha256|ed25519-sha256] [--headers a:b:c]
//                    [--dns HOST:PORT] [--now T] < msg > sealed
//   listctl arc verify [--dns HOST:PORT] [--authserv-id ID] [--now T] < msg
// DESCRIPTION
//   seal authenticates the message as the daemon does (every DKIM-Signature
//   verified, the ARC chain validated), records that in the new set's
//   ARC-Authentication-Results ("arc=...; dkim=..."), and prints the
//   message with ARC-Seal, ARC-Message-Signature and
//   ARC-Authentication-Results i=N+1 on top. verify prints the
//   Authentication-Results field with arc=pass|fail|none, the reason as a
//   comment and header.oldest-pass.
// STANDARDS
//   RFC 8617 sections 5.1, 5.2, 6 (arc= and header.oldest-pass); RFC 8601.
// EXIT STATUS
//   seal: 0 sealed; 1 refused (the newest seal says cv=fail, or 50 sets);
//   verify: 0 arc=pass, 1 otherwise; both: 2 usage, input or I/O error.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "dkim/arc_auth_results.h"
#include "dkim/arc_sealer.h"
#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/verifier.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

dkim::Message ReadMessage() {
  dkim::Result<dkim::Message> message = dkim::Message::Parse(ReadAll(std::cin));
  if (!message.ok()) throw CommandError{"cannot parse the message: " + message.error()};
  return std::move(*message);
}

// The authres-payload after "<authserv-id>;" of a formatted field.
std::string PayloadOf(const std::string& field) {
  size_t colon = field.find(':');
  size_t semicolon = field.find(';', colon);
  std::string payload = semicolon == std::string::npos ? "none" : field.substr(semicolon + 1);
  while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r')) payload.pop_back();
  size_t start = payload.find_first_not_of(" \t\r\n");
  return start == std::string::npos ? "none" : payload.substr(start);
}

int Seal(const std::string& program, const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("domain", po::value<std::string>()->required(),
                                                    "sealing domain (d=)")(
      "selector", po::value<std::string>()->required(), "selector (s=)")(
      "key", po::value<std::string>()->required(), "private key file (PEM)")(
      "authserv-id", po::value<std::string>()->required(), "authserv-id of the AAR")(
      "algo", po::value<std::string>(), "rsa-sha256 or ed25519-sha256 (default: from the key)")(
      "headers", po::value<std::string>(),
      "fields the AMS signs, colon-separated (default: From:To:...:DKIM-Signature)")(
      "now", po::value<int64_t>(), "sealing time, seconds since the epoch (default: now)");
  AddDnsOptions(options);
  po::variables_map vm;
  if (!ParseArgs(program + " seal --domain D --selector S --key KEYFILE --authserv-id ID "
                           "[--dns 127.0.0.1:PORT] < msg > sealed",
                 options, args, vm)) {
    return kExitOk;
  }
  std::ifstream key_file(vm["key"].as<std::string>(), std::ios::binary);
  if (!key_file) throw CommandError{"cannot read key file " + vm["key"].as<std::string>()};
  dkim::PrivateKey key = OrThrow(dkim::PrivateKey::Load(ReadAll(key_file)));

  dkim::ArcSealerOptions so;
  so.domain = vm["domain"].as<std::string>();
  so.selector = vm["selector"].as<std::string>();
  so.authserv_id = vm["authserv-id"].as<std::string>();
  if (vm.count("algo")) {
    auto algorithm = dkim::ParseSigningAlgorithm(vm["algo"].as<std::string>());
    if (!algorithm) throw CommandError{"unknown --algo '" + vm["algo"].as<std::string>() + "'"};
    so.algorithm = *algorithm;
  } else {
    so.algorithm = key.type() == dkim::KeyType::kRsa ? dkim::SigningAlgorithm::kRsaSha256
                                                     : dkim::SigningAlgorithm::kEd25519Sha256;
  }
  if (vm.count("headers")) {
    so.headers.clear();
    std::stringstream names(vm["headers"].as<std::string>());
    for (std::string n; std::getline(names, n, ':');) {
      if (!n.empty()) so.headers.push_back(n);
    }
  }
  std::string authserv_id = so.authserv_id;
  dkim::ArcSealer sealer = OrThrow(dkim::ArcSealer::Create(std::move(so), std::move(key)));

  auto dns = MakeResolver(vm);
  dkim::Message message = ReadMessage();
  int64_t now = NowOrOption(vm);
  dkim::DnsKeyResolver keys(*dns);
  dkim::Verifier verifier(keys);
  std::vector<dkim::SignatureResult> dkim_results = verifier.Verify(message, now);
  dkim::ArcValidator validator(keys);
  dkim::ArcValidation chain = validator.Validate(message, now);

  dkim::AuthenticationResults ar = dkim::DkimAuthenticationResults(authserv_id, dkim_results);
  ar.results.insert(ar.results.begin(), dkim::ArcAuthResult(chain));
  dkim::Result<std::string> fields =
      sealer.Seal(message, chain, PayloadOf(dkim::FormatAuthenticationResults(ar)), now);
  if (!fields.ok()) {
    std::cerr << program << " seal: not sealed: " << fields.error() << "\n";
    return kExitNo;
  }
  std::cout << *fields << message.bytes();
  std::cout.flush();
  if (!std::cout) throw CommandError{"cannot write the sealed message"};
  return kExitOk;
}

int Verify(const std::string& program, const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")(
      "authserv-id", po::value<std::string>()->default_value("localhost"),
      "authserv-id of the result")("now", po::value<int64_t>(),
                                   "validation time, seconds since the epoch (default: now)");
  AddDnsOptions(options);
  po::variables_map vm;
  if (!ParseArgs(program + " verify [--dns 127.0.0.1:PORT] [--authserv-id ID] < msg", options, args,
                 vm)) {
    return kExitOk;
  }
  auto dns = MakeResolver(vm);
  dkim::Message message = ReadMessage();
  dkim::DnsKeyResolver keys(*dns);
  dkim::ArcValidator validator(keys);
  dkim::ArcValidation chain = validator.Validate(message, NowOrOption(vm));
  dkim::AuthenticationResults ar;
  ar.authserv_id = vm["authserv-id"].as<std::string>();
  ar.results.push_back(dkim::ArcAuthResult(chain));
  std::cout << dkim::FormatAuthenticationResults(ar);
  return chain.result == dkim::ArcResult::kPass ? kExitOk : kExitNo;
}

void PrintArcUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "commands:\n"
         "  seal     authenticate a message from stdin, print it with a new ARC set\n"
         "  verify   validate the ARC chain of a message from stdin, print\n"
         "           Authentication-Results with arc=\n";
}

}  // namespace

int RunArcCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args, {{"seal", Seal}, {"verify", Verify}}, PrintArcUsage);
}

}  // namespace listd::cli
