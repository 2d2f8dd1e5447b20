// listctl's shared plumbing.
#include "listd/cli/cli_common.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "base/iso_time.h"
#include "dkim/key_resolver.h"

namespace po = boost::program_options;

namespace listd::cli {

bool ParseArgs(const std::string& usage, const po::options_description& options, const Args& args,
               po::variables_map& vm, const po::positional_options_description* positional) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << options << "\n" << ExitCodesHelp();
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw CommandError{std::string(e.what()) + "\nusage: " + usage};
  }
  return true;
}

void AddStoreOptions(po::options_description& options) {
  options.add_options()("db", po::value<std::string>(), "database file (default var/listd.db)")(
      "config", po::value<std::string>(), "config file (Boost.Program_options format; db = PATH)");
}

storage::StoreOptions StoreOptionsFrom(const po::variables_map& vm) {
  storage::StoreOptions options;
  if (vm.count("config")) {
    const std::string path = vm["config"].as<std::string>();
    std::ifstream in(path);
    if (!in) throw CommandError{"cannot read config file " + path};
    po::options_description file_options;
    file_options.add_options()("db", po::value<std::string>())("master-key",
                                                               po::value<std::string>());
    po::variables_map file_vm;
    try {
      // Other programs' settings (listd's lmtp, deliver, ...) may share the file.
      po::store(po::parse_config_file(in, file_options, /*allow_unregistered=*/true), file_vm);
    } catch (const po::error& e) {
      throw CommandError{path + ": " + e.what()};
    }
    if (file_vm.count("db")) options.db_path = file_vm["db"].as<std::string>();
    if (file_vm.count("master-key"))
      options.master_key_path = file_vm["master-key"].as<std::string>();
  }
  if (vm.count("db")) options.db_path = vm["db"].as<std::string>();
  return options;
}

std::unique_ptr<storage::Store> OpenStoreOrThrow(const po::variables_map& vm) {
  auto store = storage::Store::Open(StoreOptionsFrom(vm));
  if (!store.ok()) throw CommandError{store.error(), store.kind()};
  return std::move(*store);
}

int RunReportingErrors(const std::string& program, const std::string& command,
                       const std::function<int()>& body) {
  try {
    return body();
  } catch (const CommandError& e) {
    std::cerr << program << " " << command << ": " << e.message << "\n";
    return ExitCodeFor(e.kind);
  }
}

int Dispatch(const std::string& program, const Args& args,
             std::initializer_list<Subcommand> commands, UsagePrinter usage) {
  if (args.empty()) {
    usage(std::cerr, program);
    return kExitInvalid;
  }
  const std::string& command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    usage(std::cout, program);
    return kExitOk;
  }
  Args rest(args.begin() + 1, args.end());
  for (const Subcommand& sub : commands) {
    if (command == sub.name) {
      return RunReportingErrors(program, command, [&] { return sub.run(program, rest); });
    }
  }
  std::cerr << program << ": unknown command '" << command << "'\n";
  usage(std::cerr, program);
  return kExitInvalid;
}

int64_t Now() { return dkim::SystemNow(); }

int64_t NowOrOption(const po::variables_map& vm) {
  return vm.count("now") ? vm["now"].as<int64_t>() : Now();
}

std::string ReadAll(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<std::string> ReadAtMost(std::istream& in, size_t limit) {
  std::string out;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.append(buffer, static_cast<size_t>(in.gcount()));
    if (out.size() > limit) return std::nullopt;
  }
  return out;
}

std::string IsoTime(int64_t seconds) { return base::IsoTime(seconds); }

std::string Printable(std::string_view text, bool keep_line_ends) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line_end = keep_line_ends && (c == '\r' || c == '\n');
    const bool c1 = c == 0xc2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (c1) {
      const auto next = static_cast<unsigned char>(text[++i]);
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 15];
    } else if (!line_end && (c < 0x20 || c == 0x7f) && c != '\t') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

po::options_description BaseOptions() {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  AddStoreOptions(options);
  return options;
}

void AddListArgument(po::options_description& options,
                     po::positional_options_description& positional) {
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address");
  options.add(arguments);
  positional.add("list", 1);
}

void AddDnsOptions(po::options_description& options) {
  options.add_options()("dns", po::value<std::string>(),
                        "DNS server to ask, HOST:PORT (default: the system's resolvers)")(
      "timeout", po::value<int>()->default_value(5000), "DNS deadline in milliseconds");
}

std::unique_ptr<dkim::UnboundTxtResolver> MakeResolver(const po::variables_map& vm) {
  dkim::UnboundOptions options;
  if (vm.count("dns")) options.forwarder = vm["dns"].as<std::string>();
  options.timeout_ms = vm["timeout"].as<int>();
  auto resolver = dkim::UnboundTxtResolver::Create(options);
  if (!resolver) throw CommandError{"DNS: " + resolver.error(), base::ErrorKind::kUnavailable};
  return std::move(*resolver);
}

}  // namespace listd::cli
