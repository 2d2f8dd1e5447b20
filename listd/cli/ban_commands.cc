// listctl ban add | rm | ls: bans per list (--list LIST) or site-wide.
//
// Thin shells over BanService (listd/service/ban_service.h). A pattern is
// an exact address, "*@domain", or "*@*.domain" for every subdomain of
// domain (storage/ban_repository.h says why nothing else is).
#include <boost/program_options.hpp>
#include <iostream>
#include <optional>

#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/actor.h"
#include "listd/service/ban_service.h"
#include "listd/service/list_lookup.h"
#include "listd/views/ban_view.h"
#include "listd/views/json.h"

namespace po = boost::program_options;
using listd::service::BanService;
using listd::service::UnixActor;

namespace listd::cli {
namespace {

// --list LIST (absent: site-wide) and, unless `with_pattern` is false,
// PATTERN by position.
void AddScopeOptions(po::options_description& options, po::positional_options_description& pos,
                     bool with_pattern) {
  options.add_options()("list", po::value<std::string>(),
                        "the list the ban is on (default: site-wide, every list)");
  if (!with_pattern) return;
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("pattern", po::value<std::string>()->required(),
                          "addr, *@domain or *@*.domain (its subdomains)");
  options.add(arguments);
  pos.add("pattern", 1);
}

std::optional<std::string> ListOption(const po::variables_map& vm) {
  if (!vm.count("list")) return std::nullopt;
  return vm["list"].as<std::string>();
}

std::optional<std::string_view> View(const std::optional<std::string>& list) {
  if (!list) return std::nullopt;
  return std::string_view(*list);
}

// The canonical address of the list a scope names, for the output.
std::optional<std::string> ListAddress(storage::Store& store,
                                       const std::optional<std::string>& list) {
  if (!list) return std::nullopt;
  return OrThrow(service::FindList(store, *list)).address.ToString();
}

std::string Where(const std::optional<std::string>& list_address) {
  return list_address ? "on " + *list_address : std::string("site-wide");
}

int Add(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("reason", po::value<std::string>()->default_value(""),
                        "why, for the other admins")("json", "print the ban as JSON");
  po::positional_options_description pos;
  AddScopeOptions(options, pos, true);
  po::variables_map vm;
  if (!ParseArgs(program + " add PATTERN [--list LIST] [--reason TEXT] [--json]", options, args, vm,
                 &pos)) {
    return kExitOk;
  }
  auto store = OpenStoreOrThrow(vm);
  BanService service(*store, UnixActor("listctl"));
  const std::optional<std::string> list = ListOption(vm);
  storage::BanRecord ban = OrThrow(service.AddBan(View(list), vm["pattern"].as<std::string>(),
                                                  vm["reason"].as<std::string>(), Now()));
  const std::optional<std::string> address = ListAddress(*store, list);
  if (vm.count("json")) {
    std::cout << views::Dump(views::BanView(ban, address)) << "\n";
  } else {
    std::cout << "banned " << Printable(ban.pattern) << " " << Where(address) << "\n";
  }
  return kExitOk;
}

int Rm(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::positional_options_description pos;
  AddScopeOptions(options, pos, true);
  po::variables_map vm;
  if (!ParseArgs(program + " rm PATTERN [--list LIST]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  BanService service(*store, UnixActor("listctl"));
  const std::optional<std::string> list = ListOption(vm);
  OrThrow(service.RemoveBan(View(list), vm["pattern"].as<std::string>(), Now()));
  std::cout << "lifted the ban of " << Printable(vm["pattern"].as<std::string>()) << " "
            << Where(ListAddress(*store, list)) << "\n";
  return kExitOk;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print one JSON array of bans");
  po::positional_options_description pos;
  AddScopeOptions(options, pos, false);
  po::variables_map vm;
  if (!ParseArgs(program + " ls [--list LIST] [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  BanService service(*store, UnixActor("listctl"));
  const std::optional<std::string> list = ListOption(vm);
  std::vector<storage::BanRecord> bans = OrThrow(service.ListBans(View(list)));
  const std::optional<std::string> address = ListAddress(*store, list);
  if (vm.count("json")) {
    views::Json array = views::Json::array();
    for (const storage::BanRecord& ban : bans) array.push_back(views::BanView(ban, address));
    std::cout << views::Dump(array) << "\n";
    return kExitOk;
  }
  for (const storage::BanRecord& ban : bans) {
    std::cout << Printable(ban.pattern) << '\t' << IsoTime(ban.created_at) << '\t'
              << Printable(ban.reason) << '\n';
  }
  return kExitOk;
}

void PrintBanUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "\n"
      << "commands:\n"
      << "  add PATTERN [--list LIST] [--reason TEXT] [--json]   ban an address or domain\n"
      << "  rm PATTERN [--list LIST]                             lift a ban\n"
      << "  ls [--list LIST] [--json]                            list the bans\n"
      << "\n"
      << "PATTERN is addr, *@domain or *@*.domain (every subdomain of domain).\n"
      << "Without --list a ban is site-wide: it covers every list.\n"
      << "Each command takes --db PATH or --config FILE, and --help.\n";
}

}  // namespace

int RunBanCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args, {{"add", Add}, {"rm", Rm}, {"ls", Ls}}, PrintBanUsage);
}

}  // namespace listd::cli
