// listctl list create | ls | show | set | rm.
//
// Thin shells over ListService (listd/service/list_service.h): each command
// parses its options, opens the store, calls one service operation and
// prints the result, as text for people or with --json as one JSON
// document (listd/views/list_view.h) for scripts. Settings and their
// allowed values come from the catalogue (listd/settings/catalogue.h).
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/actor.h"
#include "listd/service/list_service.h"
#include "listd/settings/catalogue.h"
#include "listd/views/event_view.h"
#include "listd/views/list_view.h"

namespace po = boost::program_options;
using listd::service::ListDetails;
using listd::service::ListService;
using listd::service::ListSummary;
using listd::service::UnixActor;

namespace listd::cli {
namespace {

int Create(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("name", po::value<std::string>()->default_value(""),
                        "the list's display name")("owner", po::value<std::string>(),
                                                   "address to add as the list's owner");
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("address", po::value<std::string>()->required(),
                          "the new list's address, e.g. team@lists.example.org");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("address", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " create ADDRESS [--name NAME] [--owner ADDR]", options, args, vm,
                 &pos)) {
    return kExitOk;
  }
  std::optional<std::string> owner;
  if (vm.count("owner")) owner = vm["owner"].as<std::string>();
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  storage::ListRecord list = OrThrow(service.CreateList(
      vm["address"].as<std::string>(), vm["name"].as<std::string>(), owner, Now()));
  std::cout << "created list " << list.address.ToString();
  if (owner) std::cout << " with owner " << *owner;
  std::cout << "\n";
  return kExitOk;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print one JSON array of lists");
  po::variables_map vm;
  if (!ParseArgs(program + " ls [--json]", options, args, vm)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  std::vector<ListSummary> lists = OrThrow(service.AllLists());
  if (vm.count("json")) {
    views::Json out = views::Json::array();
    for (const ListSummary& s : lists) out.push_back(views::ListSummaryView(s));
    std::cout << views::Dump(out) << "\n";
    return kExitOk;
  }
  if (lists.empty()) {
    std::cout << "no lists (create one with: listctl list create ADDRESS)\n";
    return kExitOk;
  }
  size_t width = std::string_view("ADDRESS").size();
  for (const ListSummary& s : lists) width = std::max(width, s.list.address.ToString().size());
  std::cout << std::left << std::setw(static_cast<int>(width)) << "ADDRESS"
            << "  " << std::right << std::setw(8) << "MEMBERS"
            << "  NAME\n";
  for (const ListSummary& s : lists) {
    std::cout << std::left << std::setw(static_cast<int>(width)) << s.list.address.ToString()
              << "  " << std::right << std::setw(8) << s.members << "  "
              << Printable(s.list.address.display_name) << "\n";
  }
  return kExitOk;
}

void PrintDetailsText(const ListDetails& d) {
  std::cout << "address:  " << d.list.address.ToString() << "\n"
            << "name:     " << Printable(d.list.address.display_name) << "\n"
            << "created:  " << IsoTime(d.list.created_at) << "\n"
            << "members:  " << d.members + d.moderators + d.owners << " (" << d.members
            << " member, " << d.moderators << " moderator, " << d.owners << " owner)\n"
            << "settings: (* = set explicitly; others are defaults)\n";
  size_t width = 0;
  for (const settings::EffectiveSetting& s : d.settings) {
    width = std::max(width, s.spec->name.size());
  }
  for (const settings::EffectiveSetting& s : d.settings) {
    std::cout << "  " << (s.is_default ? ' ' : '*') << " " << std::left
              << std::setw(static_cast<int>(width)) << s.spec->name << "  "
              << (s.value.empty() ? "\"\"" : s.value) << "\n";
  }
  if (d.keys.empty()) {
    std::cout << "keys:     none (generate one with: listctl key generate "
              << d.list.address.ToString() << " --algo rsa)\n";
    return;
  }
  std::cout << "keys:\n";
  for (const storage::KeyRecord& key : d.keys) {
    std::cout << "    " << key.selector << "  " << storage::ToString(key.algorithm) << " "
              << key.bits << "  " << storage::ToString(key.state) << "  created "
              << IsoTime(key.created_at) << "\n";
  }
}

int Show(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print one JSON object");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " show LIST [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  ListDetails details = OrThrow(service.Show(vm["list"].as<std::string>()));
  if (vm.count("json")) {
    std::cout << views::Dump(views::ListDetailsView(details)) << "\n";
  } else {
    PrintDetailsText(details);
  }
  return kExitOk;
}

int Events(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print a JSON array")("limit", po::value<int>()->default_value(50),
                                                      "how many, newest first");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " events LIST [--limit N] [--json]", options, args, vm, &pos)) {
    return kExitOk;
  }
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  std::vector<storage::EventRecord> events =
      OrThrow(service.Events(vm["list"].as<std::string>(), vm["limit"].as<int>()));
  if (vm.count("json")) {
    views::Json out = views::Json::array();
    for (const storage::EventRecord& e : events) out.push_back(views::EventView(e));
    std::cout << views::Dump(out) << "\n";
    return kExitOk;
  }
  for (const storage::EventRecord& e : events) {
    // Details quote what strangers wrote (addresses, subjects): printed
    // so that they cannot drive the terminal.
    std::cout << IsoTime(e.at) << "  " << Printable(e.actor) << "  " << Printable(e.action) << "  "
              << Printable(e.detail) << "\n";
  }
  return kExitOk;
}

std::string SettingsHelp() {
  std::ostringstream out;
  out << "settings:\n";
  for (const settings::SettingSpec& spec : settings::Catalogue()) {
    out << "  " << spec.name << ": " << spec.description << "\n      "
        << settings::DescribeAllowed(spec) << "\n";
  }
  return out.str();
}

int Set(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("reset", po::value<std::vector<std::string>>(),
                        "return this setting to its default (may repeat)");
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "assignment", po::value<std::vector<std::string>>(), "KEY=VALUE, one or more");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("assignment", -1);
  po::variables_map vm;
  if (!ParseArgs(program + " set LIST KEY=VALUE... [--reset KEY]\n\n" + SettingsHelp(), options,
                 args, vm, &pos)) {
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> assignments;
  if (vm.count("assignment")) {
    for (const std::string& a : vm["assignment"].as<std::vector<std::string>>()) {
      size_t eq = a.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw CommandError{"expected KEY=VALUE, not '" + a + "'"};
      }
      assignments.emplace_back(a.substr(0, eq), a.substr(eq + 1));
    }
  }
  std::vector<std::string> reset;
  if (vm.count("reset")) reset = vm["reset"].as<std::vector<std::string>>();
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  base::Status set = service.Set(vm["list"].as<std::string>(), assignments, reset, Now());
  if (!set) throw CommandError{set.error() + " (nothing changed)", set.kind()};
  for (const auto& [name, value] : assignments) std::cout << "set " << name << "\n";
  for (const std::string& name : reset) std::cout << "reset " << name << " to its default\n";
  return kExitOk;
}

int Rm(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("yes", "really remove the list with its members, settings and keys");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " rm LIST --yes", options, args, vm, &pos)) return kExitOk;
  const std::string address = vm["list"].as<std::string>();
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  if (!vm.count("yes")) {
    // Say what would be lost, so the admin decides knowing it.
    ListDetails details = OrThrow(service.Show(address));
    throw CommandError{"not removing " + details.list.address.ToString() + " (" +
                       std::to_string(details.members + details.moderators + details.owners) +
                       " members, " + std::to_string(details.keys.size()) +
                       " keys) without --yes; this cannot be undone"};
  }
  OrThrow(service.RemoveList(address, Now()));
  std::cout << "removed list " << address << "\n";
  return kExitOk;
}

void PrintListUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "\n"
      << "commands:\n"
      << "  create ADDRESS [--name NAME] [--owner ADDR]   create a list\n"
      << "  ls [--json]                                   every list with its member count\n"
      << "  show LIST [--json]                            a list's members, settings and keys\n"
      << "  set LIST KEY=VALUE... [--reset KEY]           change settings (all or nothing)\n"
      << "  rm LIST --yes                                 remove a list and all it holds\n"
      << "  events LIST [--limit N] [--json]              the list's log, newest first\n"
      << "\n"
      << "Each command takes --db PATH or --config FILE, and --help.\n";
}

}  // namespace

int RunListCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args,
                  {{"create", Create},
                   {"ls", Ls},
                   {"show", Show},
                   {"set", Set},
                   {"rm", Rm},
                   {"events", Events}},
                  PrintListUsage);
}

}  // namespace listd::cli
