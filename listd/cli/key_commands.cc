// listctl key generate | dns | check | activate | rotate | retire | rm | ls
// | export | import: the key rollover (listd/key_service.h) as commands.
//
// A rollover from the shell:
//   listctl key generate L --algo rsa      # prints the record to publish
//   listctl key check L --selector S       # match once DNS serves it
//   listctl key activate L --selector S    # refused unless check says match
//   listctl key rotate L                   # a new key beside the active one
//   listctl key retire L --selector OLD    # stops signing; keep the record
//   listctl key rm L --selector OLD        # the private key goes
//
// Exit codes (listd/cli/exit_codes.h): 0 done; 1 the answer is no (check
// finds a record that does not match, activation refused); otherwise the
// kind of the error (2 invalid, 3 not found, 4 conflict, ...).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/actor.h"
#include "listd/service/key_service.h"
#include "listd/views/key_view.h"

namespace po = boost::program_options;
using listd::service::ActivateReport;
using listd::service::KeyCheck;
using listd::service::KeyCheckOutcome;
using listd::service::KeyDnsRecord;
using listd::service::KeySelection;
using listd::service::KeyService;
using listd::service::NewKey;
using listd::service::RemoveReport;
using listd::service::RetireReport;
using listd::service::UnixActor;
using storage::KeyAlgorithm;

namespace listd::cli {
namespace {

std::optional<std::string> Optional(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

// The --algo value as an algorithm, or a usage error.
KeyAlgorithm AlgorithmOrThrow(const std::string& text) {
  std::optional<KeyAlgorithm> algorithm = storage::ParseKeyAlgorithm(text);
  if (!algorithm) throw CommandError{"the algorithm must be rsa or ed25519, not '" + text + "'"};
  return *algorithm;
}

std::optional<KeyAlgorithm> OptionalAlgorithm(const po::variables_map& vm) {
  if (!vm.count("algo")) return std::nullopt;
  return AlgorithmOrThrow(vm["algo"].as<std::string>());
}

std::string Name(KeyAlgorithm algorithm) { return std::string(storage::ToString(algorithm)); }

KeySelection SelectionFrom(const po::variables_map& vm) {
  return {vm["selector"].as<std::string>(), OptionalAlgorithm(vm)};
}

void AddSelectionOptions(po::options_description& options) {
  options.add_options()("selector", po::value<std::string>()->required(), "the key's selector")(
      "algo", po::value<std::string>(), "rsa or ed25519, when the selector names keys of both");
}

KeyService Service(storage::Store& store) { return KeyService(store, UnixActor("listctl")); }

void PrintWarnings(const std::string& program, const std::string& command,
                   const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings)
    std::cerr << program << " " << command << ": warning: " << w << "\n";
}

std::string Describe(const storage::KeyRecord& key) {
  return Name(key.algorithm) + " key '" + key.selector + "'";
}

// A new file only its owner can read, for a private key. It is created
// before the key leaves the store, so that a refused file (it exists) does
// not leave an export in the events log that never happened; an existing
// file is replaced only when `force` (it could be another list's key).
class SecretFile {
 public:
  SecretFile(std::string path, bool force) : path_(std::move(path)) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    fd_ = ::open(path_.c_str(), flags, 0600);
    if (fd_ < 0) {
      const bool exists = errno == EEXIST;
      throw CommandError{"cannot create " + path_ + ": " + std::strerror(errno) +
                             (exists ? " (use --force to replace it)" : ""),
                         exists ? base::ErrorKind::kConflict : base::ErrorKind::kInvalid};
    }
    // O_TRUNC keeps an existing file's mode; the key must still be 0600.
    if (::fchmod(fd_, 0600) != 0) Fail("cannot chmod " + path_);
  }
  ~SecretFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!written_) ::unlink(path_.c_str());  // no empty or partial key files
  }
  SecretFile(const SecretFile&) = delete;
  SecretFile& operator=(const SecretFile&) = delete;

  // Writes all of `data` and syncs it.
  void Write(std::string_view data) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail("cannot write " + path_);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd_) != 0) Fail("cannot sync " + path_);
    written_ = true;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    throw CommandError{what + ": " + std::strerror(errno)};
  }
  std::string path_;
  int fd_ = -1;
  bool written_ = false;
};

std::string ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError{"cannot read " + path + ": " + std::strerror(errno)};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CommandError{"cannot read " + path};
  return text;
}

// What to publish, and what comes next.
void PrintNewKey(const NewKey& key, const std::string& list, std::string_view how) {
  std::cout << how << " " << Describe(key.key) << " (" << key.key.bits << " bits) for " << list
            << ", state generated\n"
            << "publish this record:\n"
            << key.zone_record << "then check it and activate the key:\n"
            << "  listctl key check " << list << " --selector " << key.key.selector << "\n"
            << "  listctl key activate " << list << " --selector " << key.key.selector << " --algo "
            << Name(key.key.algorithm) << "\n";
}

int Generate(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("algo", po::value<std::string>()->required(), "rsa or ed25519")(
      "bits", po::value<int>(), "RSA key size (default 2048; at least 1024)")(
      "selector", po::value<std::string>(), "selector (default: sYYYY-MM of today, e.g. s2026-11)");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " generate LIST --algo rsa|ed25519 [--bits 2048] [--selector S]",
                 options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  const KeyAlgorithm algo = AlgorithmOrThrow(vm["algo"].as<std::string>());
  if (algo == KeyAlgorithm::kEd25519 && vm.count("bits")) {
    PrintWarnings(program, "generate", {"--bits is ignored for ed25519 (keys are 256 bits)"});
  }
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  NewKey key = OrThrow(service.Generate(list, algo, vm.count("bits") ? vm["bits"].as<int>() : 2048,
                                        Optional(vm, "selector"), Now()));
  PrintWarnings(program, "generate", key.warnings);
  PrintNewKey(key, list, "generated");
  return kExitOk;
}

int Dns(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("selector", po::value<std::string>(), "only this selector's record(s)");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " dns LIST [--selector S]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  std::vector<KeyDnsRecord> records =
      OrThrow(service.Dns(vm["list"].as<std::string>(), Optional(vm, "selector")));
  // Zone-file form: ';' starts a comment, so the output can be pasted whole.
  for (const KeyDnsRecord& record : records) {
    std::cout << "; " << record.key.selector << ": " << Name(record.key.algorithm) << ", "
              << record.key.bits << " bits, " << storage::ToString(record.key.state) << "\n"
              << record.zone_file;
  }
  return kExitOk;
}

int Check(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("selector", po::value<std::string>(),
                        "only this selector (default: every generated or active key)")(
      "json", "print the results as JSON");
  AddDnsOptions(options);
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " check LIST [--selector S] [--dns HOST:PORT] [--json]", options, args,
                 vm, &pos)) {
    return kExitOk;
  }
  auto store = OpenStoreOrThrow(vm);
  auto dns = MakeResolver(vm);
  KeyService service = Service(*store);
  std::vector<KeyCheck> checks =
      OrThrow(service.Check(vm["list"].as<std::string>(), Optional(vm, "selector"), *dns));
  bool all_match = true;
  views::Json results = views::Json::array();
  for (const KeyCheck& check : checks) {
    all_match = all_match && check.outcome == KeyCheckOutcome::kMatch;
    if (vm.count("json")) {
      results.push_back(views::KeyCheckView(check));
    } else {
      std::cout << ToString(check.outcome) << ": " << check.key.selector << " ("
                << Name(check.key.algorithm) << ", " << storage::ToString(check.key.state)
                << ") at " << check.name << ": " << check.detail << "\n";
    }
  }
  if (vm.count("json")) std::cout << views::Dump({{"keys", results}}) << "\n";
  return all_match ? kExitOk : kExitNo;
}

int Activate(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  AddSelectionOptions(options);
  options.add_options()("force", "activate without a matching record in DNS");
  AddDnsOptions(options);
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " activate LIST --selector S [--algo A] [--dns HOST:PORT] [--force]",
                 options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  const bool force = vm.count("force") > 0;
  auto store = OpenStoreOrThrow(vm);
  // Forced, the record is not looked up: the admin may be offline, and
  // the check could only confirm what --force overrides.
  std::unique_ptr<dkim::UnboundTxtResolver> dns;
  if (!force) dns = MakeResolver(vm);
  KeyService service = Service(*store);
  ActivateReport report =
      OrThrow(service.Activate(list, SelectionFrom(vm), dns.get(), force, Now()));
  if (!report.activated) {
    const KeyCheck& check = *report.check;
    std::cout << "refused: " << Describe(report.key) << " stays "
              << storage::ToString(report.key.state) << ": the check says "
              << ToString(check.outcome) << " at " << check.name << ": " << check.detail << "\n"
              << "publish the record listctl key dns " << list << " --selector "
              << report.key.selector << " prints, wait for it to appear, and try again "
              << "(or use --force)\n";
    return kExitNo;
  }
  std::cout << "activated " << Describe(report.key) << ": the list signs with it from now on";
  if (report.check) std::cout << " (DNS check: " << ToString(report.check->outcome) << ")";
  std::cout << "\n";
  if (force) {
    std::cerr << program << " activate: warning: activated without checking DNS; signatures fail "
              << "until the record is published\n";
  }
  for (const storage::KeyRecord& old : report.still_active) {
    std::cout << Describe(old) << " is still active; once mail signed with the new key verifies, "
              << "retire it: listctl key retire " << list << " --selector " << old.selector
              << " --algo " << Name(old.algorithm) << "\n";
  }
  return kExitOk;
}

int Rotate(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("algo", po::value<std::string>(),
                        "rotate only this algorithm (default: each active key's)")(
      "bits", po::value<int>(), "RSA key size (default: the active key's, at least 2048)");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " rotate LIST [--algo rsa|ed25519] [--bits N]", options, args, vm,
                 &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  std::optional<int> bits;
  if (vm.count("bits")) bits = vm["bits"].as<int>();
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  std::vector<NewKey> keys = OrThrow(service.Rotate(list, OptionalAlgorithm(vm), bits, Now()));
  for (const NewKey& key : keys) {
    PrintWarnings(program, "rotate", key.warnings);
    PrintNewKey(key, list, "rotation: generated");
  }
  std::cout << "the active key(s) keep signing until the new one is activated; then retire the "
               "old one with listctl key retire "
            << list << " --selector OLD\n";
  return kExitOk;
}

int Retire(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  AddSelectionOptions(options);
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " retire LIST --selector S [--algo A]", options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  RetireReport report = OrThrow(service.Retire(list, SelectionFrom(vm), Now()));
  std::cout << "retired " << Describe(report.key) << ": it no longer signs\n"
            << "keep its record " << report.record_name << " published until "
            << IsoTime(report.keep_published_until) << " (";
  if (report.lifetime > 0) std::cout << "the x= lifetime of " << report.lifetime << " s + ";
  std::cout << "7 days for mail still on its way), then withdraw it or publish it with an empty "
               "p= (RFC 6376 section 3.6.1)\n";
  if (report.no_active_key_left) {
    std::cerr << program << " retire: warning: " << list
              << " has no active key left: its mail goes out unsigned\n";
  }
  return kExitOk;
}

int Remove(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  AddSelectionOptions(options);
  options.add_options()("force", "remove even an active key");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " rm LIST --selector S [--algo A] [--force]", options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  RemoveReport report =
      OrThrow(service.Remove(list, SelectionFrom(vm), vm.count("force") > 0, Now()));
  std::cout << "removed " << Describe(report.key) << " (was " << storage::ToString(report.key.state)
            << ")\n";
  if (report.keep_published_until) {
    std::cout << "its record " << report.record_name << " should stay published until "
              << IsoTime(*report.keep_published_until)
              << ", then withdraw it or publish it with an empty p=\n";
  } else {
    std::cout << "if its record " << report.record_name
              << " was published, it can be withdrawn now\n";
  }
  if (report.no_active_key_left) {
    std::cerr << program << " rm: warning: " << list
              << " has no active key left: its mail goes out unsigned\n";
  }
  return kExitOk;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print the keys as JSON");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " ls LIST [--json]", options, args, vm, &pos)) return kExitOk;
  const std::string list = vm["list"].as<std::string>();
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  const std::string domain = OrThrow(service.SigningDomain(list));
  std::vector<storage::KeyRecord> keys = OrThrow(service.List(list));
  if (vm.count("json")) {
    views::Json array = views::Json::array();
    for (const storage::KeyRecord& key : keys) array.push_back(views::KeyView(key, domain));
    std::cout << views::Dump({{"list", list}, {"signing_domain", domain}, {"keys", array}}) << "\n";
    return kExitOk;
  }
  if (keys.empty()) {
    std::cout << "no keys (listctl key generate " << list << " --algo rsa makes one)\n";
    return kExitOk;
  }
  auto when = [](const std::optional<int64_t>& t) { return t ? IsoTime(*t) : std::string("-"); };
  std::cout << std::left << std::setw(18) << "SELECTOR" << std::setw(9) << "ALGO" << std::setw(6)
            << "BITS" << std::setw(11) << "STATE" << std::setw(22) << "CREATED" << std::setw(22)
            << "ACTIVATED"
            << "RETIRED\n";
  for (const storage::KeyRecord& key : keys) {
    std::cout << std::left << std::setw(18) << key.selector << std::setw(9) << Name(key.algorithm)
              << std::setw(6) << key.bits << std::setw(11) << storage::ToString(key.state)
              << std::setw(22) << IsoTime(key.created_at) << std::setw(22) << when(key.activated_at)
              << when(key.retired_at) << "\n";
  }
  return kExitOk;
}

int Export(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  AddSelectionOptions(options);
  options.add_options()("out", po::value<std::string>(),
                        "write to this file, mode 0600 (default: stdout)")(
      "force", "replace an existing --out file");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " export LIST --selector S [--algo A] [--out FILE]", options, args, vm,
                 &pos)) {
    return kExitOk;
  }
  auto store = OpenStoreOrThrow(vm);
  std::optional<SecretFile> file;
  if (vm.count("out")) file.emplace(vm["out"].as<std::string>(), vm.count("force") > 0);
  KeyService service = Service(*store);
  base::SecretBytes pem =
      OrThrow(service.Export(vm["list"].as<std::string>(), SelectionFrom(vm), Now()));
  if (file) {
    file->Write(pem.view());
  } else {
    std::cout << pem.view();
    std::cout.flush();
    if (!std::cout) throw CommandError{"cannot write the key to stdout"};
  }
  return kExitOk;
}

int Import(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("selector", po::value<std::string>()->required(),
                        "selector to store the key under");
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "file", po::value<std::string>()->required(), "PEM private key file ('-': stdin)");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("file", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " import LIST --selector S FILE", options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  const std::string pem = ReadInput(vm["file"].as<std::string>());
  auto store = OpenStoreOrThrow(vm);
  KeyService service = Service(*store);
  NewKey key = OrThrow(service.Import(list, vm["selector"].as<std::string>(), pem, Now()));
  PrintWarnings(program, "import", key.warnings);
  PrintNewKey(key, list, "imported");
  return kExitOk;
}

void PrintKeyUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> LIST [options]\n"
      << "commands:\n"
         "  generate  make a key (state generated) and print its DNS record\n"
         "  dns       print the TXT record(s) to publish, in zone-file form\n"
         "  check     look the record(s) up and compare: match/mismatch/missing/temperror\n"
         "  activate  start signing with a key (refused unless check says match)\n"
         "  rotate    generate the next key beside each active one\n"
         "  retire    stop signing with a key (keep its record published a while)\n"
         "  rm        remove a key (an active one only with --force)\n"
         "  ls        list the keys and their states\n"
         "  export    print a private key (PEM)\n"
         "  import    store a PEM private key\n"
         "Run '"
      << program << " <command> --help' for a command's options.\n";
}

}  // namespace

int RunKeyCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args,
                  {{"generate", Generate},
                   {"dns", Dns},
                   {"check", Check},
                   {"activate", Activate},
                   {"rotate", Rotate},
                   {"retire", Retire},
                   {"rm", Remove},
                   {"ls", Ls},
                   {"export", Export},
                   {"import", Import}},
                  PrintKeyUsage);
}

}  // namespace listd::cli
