// listctl dkim keygen | sign | verify.
//
// These commands make the dkim library usable from a shell: to create a
// list's key and its DNS record, to sign a message as the list would, and to
// verify a message as the daemon's authenticate stage does (printing the
// Authentication-Results field it would add).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "base/host_name.h"
#include "dkim/auth_results.h"
#include "dkim/header_selection.h"
#include "dkim/key_record.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/signer.h"
#include "dkim/unbound_txt_resolver.h"
#include "dkim/verifier.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return ReadAll(in);
}

// Writes `data` to a new file readable by its owner only. Refuses to
// replace an existing file: overwriting a live key would break signing.
void WriteSecretFile(const std::string& path, std::string_view data, bool force) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    throw CommandError{"cannot create " + path + ": " + std::strerror(errno) +
                       (errno == EEXIST ? " (use --force to replace it)" : "")};
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // An existing file kept its mode under O_TRUNC; make sure it is 0600.
  if (::fchmod(fd, 0600) != 0) throw CommandError{"cannot chmod " + path};
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CommandError{"cannot write " + path + ": " + std::strerror(errno)};
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw CommandError{"cannot sync " + path};
}

int Keygen(const std::string& program, const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")(
      "algo", po::value<std::string>()->default_value("rsa"), "key type: rsa or ed25519")(
      "bits", po::value<int>()->default_value(2048), "RSA key size (at least 1024)")(
      "selector", po::value<std::string>()->required(), "selector (s=)")(
      "domain", po::value<std::string>()->required(), "signing domain (d=)")(
      "out", po::value<std::string>()->required(), "file for the private key (written 0600)")(
      "force", "replace an existing key file")(
      "testing", "publish the record with t=y (receivers treat failures leniently)");
  po::variables_map vm;
  if (!ParseArgs(program + " keygen --algo rsa|ed25519 [--bits 2048] --selector S --domain D "
                           "--out KEYFILE",
                 options, args, vm)) {
    return kExitOk;
  }
  std::string algo = vm["algo"].as<std::string>();
  dkim::KeyType type;
  if (algo == "rsa") {
    type = dkim::KeyType::kRsa;
  } else if (algo == "ed25519") {
    type = dkim::KeyType::kEd25519;
  } else {
    throw CommandError{"--algo must be rsa or ed25519, not '" + algo + "'"};
  }
  dkim::Result<dkim::PrivateKey> key = dkim::PrivateKey::Generate(type, vm["bits"].as<int>());
  if (!key.ok()) throw CommandError{key.error()};
  WriteSecretFile(vm["out"].as<std::string>(), key->ToPem().view(), vm.count("force") > 0);
  std::string record =
      dkim::FormatKeyRecord(type, key->PublicKeyBase64(), vm.count("testing") ? "y" : "");
  std::cout << dkim::FormatZoneFileRecord(vm["selector"].as<std::string>(),
                                          vm["domain"].as<std::string>(), record);
  return kExitOk;
}

int Sign(const std::string& program, const Args& args) {
  po::options_description options(
      "options (--domain, --selector, --key and --algo may repeat; "
      "the n-th of each make the n-th signature)");
  options.add_options()("help,h", "show this help")(
      "domain", po::value<std::vector<std::string>>()->required(), "signing domain (d=)")(
      "selector", po::value<std::vector<std::string>>()->required(), "selector (s=)")(
      "key", po::value<std::vector<std::string>>()->required(), "private key file (PEM)")(
      "algo", po::value<std::vector<std::string>>(),
      "rsa-sha256 or ed25519-sha256 (default: from the key)")(
      "canon", po::value<std::string>()->default_value("relaxed/relaxed"),
      "canonicalization header/body")(
      "headers", po::value<std::string>(),
      "fields to sign, colon-separated (default: From:To:Cc:Subject:Date:Message-ID:...)")(
      "oversign", po::value<std::string>()->default_value("From"),
      "fields listed once more than they occur, colon-separated")(
      "identity", po::value<std::string>(), "i= (must be within d=)")(
      "expire", po::value<int64_t>(), "add x= this many seconds after t=")(
      "body-length", "add l= (not recommended: lets others append to the body)")(
      "no-timestamp", "omit t=")("now", po::value<int64_t>(),
                                 "signing time, seconds since the epoch (default: now)");
  po::variables_map vm;
  if (!ParseArgs(program + " sign --domain D --selector S --key KEYFILE [--algo A] "
                           "[--canon relaxed/relaxed] [--headers from:to:subject] < msg > signed",
                 options, args, vm)) {
    return kExitOk;
  }
  const auto& keys = vm["key"].as<std::vector<std::string>>();
  const auto& domains = vm["domain"].as<std::vector<std::string>>();
  const auto& selectors = vm["selector"].as<std::vector<std::string>>();
  std::vector<std::string> algos;
  if (vm.count("algo")) algos = vm["algo"].as<std::vector<std::string>>();
  auto nth = [](const std::vector<std::string>& values, size_t i) -> const std::string& {
    return values[std::min(i, values.size() - 1)];
  };
  if (domains.size() > keys.size() || selectors.size() > keys.size() ||
      algos.size() > keys.size()) {
    throw CommandError{"more --domain/--selector/--algo than --key options"};
  }
  dkim::Result<dkim::Canonicalization> canon =
      dkim::ParseCanonicalization(vm["canon"].as<std::string>());
  if (!canon.ok()) throw CommandError{"--canon: " + canon.error()};

  dkim::Result<dkim::Message> message = dkim::Message::Parse(ReadAll(std::cin));
  if (!message.ok()) throw CommandError{"cannot parse the message: " + message.error()};

  std::string signatures;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<std::string> pem = ReadFile(keys[i]);
    if (!pem) throw CommandError{"cannot read key file " + keys[i]};
    dkim::Result<dkim::PrivateKey> key = dkim::PrivateKey::Load(*pem);
    if (!key.ok()) throw CommandError{keys[i] + ": " + key.error()};
    dkim::SignerOptions so;
    so.domain = nth(domains, i);
    so.selector = nth(selectors, i);
    so.canonicalization = *canon;
    if (i < algos.size()) {
      auto algorithm = dkim::ParseSigningAlgorithm(algos[i]);
      if (!algorithm) throw CommandError{"unknown --algo '" + algos[i] + "'"};
      so.algorithm = *algorithm;
    } else {
      so.algorithm = key->type() == dkim::KeyType::kRsa ? dkim::SigningAlgorithm::kRsaSha256
                                                        : dkim::SigningAlgorithm::kEd25519Sha256;
    }
    if (vm.count("headers")) so.headers = dkim::SplitFieldNames(vm["headers"].as<std::string>());
    so.oversign = dkim::SplitFieldNames(vm["oversign"].as<std::string>());
    if (vm.count("identity")) so.identity = vm["identity"].as<std::string>();
    if (vm.count("expire")) so.lifetime = vm["expire"].as<int64_t>();
    so.body_length = vm.count("body-length") > 0;
    so.timestamp = vm.count("no-timestamp") == 0;
    dkim::Result<dkim::Signer> signer = dkim::Signer::Create(std::move(so), std::move(*key));
    if (!signer.ok()) throw CommandError{signer.error()};
    dkim::Result<std::string> field = signer->Sign(*message, NowOrOption(vm));
    if (!field.ok()) throw CommandError{field.error()};
    signatures += *field;
  }
  std::cout << signatures << message->bytes();
  std::cout.flush();
  if (!std::cout) throw CommandError{"cannot write the signed message"};
  return kExitOk;
}

int Verify(const std::string& program, const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  AddDnsOptions(options);
  options.add_options()("authserv-id", po::value<std::string>(),
                        "authserv-id of the result (default: host name)")(
      "max-signatures", po::value<size_t>()->default_value(10),
      "signatures evaluated at most (the rest get policy)")(
      "now", po::value<int64_t>(), "verification time, seconds since the epoch (default: now)");
  po::variables_map vm;
  if (!ParseArgs(program + " verify [--dns 127.0.0.1:PORT] [--authserv-id ID] < msg", options, args,
                 vm)) {
    return kExitOk;
  }
  auto dns = MakeResolver(vm);

  dkim::Result<dkim::Message> message = dkim::Message::Parse(ReadAll(std::cin));
  if (!message.ok()) throw CommandError{"cannot parse the message: " + message.error()};

  dkim::DnsKeyResolver keys(*dns);
  dkim::VerifierOptions verifier_options;
  verifier_options.max_signatures = vm["max-signatures"].as<size_t>();
  dkim::Verifier verifier(keys, verifier_options);
  std::vector<dkim::SignatureResult> results = verifier.Verify(*message, NowOrOption(vm));
  std::string id = vm.count("authserv-id") ? vm["authserv-id"].as<std::string>() : base::HostName();
  std::cout << dkim::FormatAuthenticationResults(dkim::DkimAuthenticationResults(id, results));
  for (const dkim::SignatureResult& r : results) {
    if (r.result == dkim::DkimResult::kPass) return kExitOk;
  }
  return kExitNo;
}

void PrintDkimUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "commands:\n"
         "  keygen   create a key pair and print its DNS TXT record\n"
         "  sign     sign a message from stdin, print it with DKIM-Signature(s)\n"
         "  verify   verify a message from stdin, print Authentication-Results\n";
}

}  // namespace

int RunDkimCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args, {{"keygen", Keygen}, {"sign", Sign}, {"verify", Verify}},
                  PrintDkimUsage);
}

}  // namespace listd::cli
