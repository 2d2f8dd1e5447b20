// listctl member add | rm | set | enable | ls | import | export |
// unsubscribe-url | rotate-links.
//
// Thin shells over MemberService (listd/service/member_service.h), and
// over BounceService for `enable` (listd/service/bounce_service.h: the one
// re-enabling that the -request `enable` command and -confirm replies
// share, so delivery, score and bounce state are reset alike). Listing, import and
// export stream one member at a time, so a list of 100,000 members costs
// no more memory than a list of ten (bench/member_import.sh shows it).
//
// Import file format: one address a line, "addr" or "Name <addr>"; blank
// lines and lines starting with '#' are ignored. `member export` writes
// the same format, so an export imports again (roles are not carried:
// everyone imports as a member).
#include <fcntl.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/actor.h"
#include "listd/service/bounce_service.h"
#include "listd/service/list_lookup.h"
#include "listd/service/member_service.h"
#include "listd/service/subscription_service.h"
#include "listd/views/json.h"
#include "listd/views/member_view.h"

namespace po = boost::program_options;
using listd::service::ImportReport;
using listd::service::MemberChangeReport;
using listd::service::MemberService;
using listd::service::UnixActor;

namespace listd::cli {
namespace {

storage::MemberRole RoleOrThrow(const std::string& text) {
  std::optional<storage::MemberRole> role = storage::ParseMemberRole(text);
  if (!role) throw CommandError{"--role must be member, moderator or owner, not '" + text + "'"};
  return *role;
}

// LIST and then one or more ADDR, by position.
void AddListAndAddresses(po::options_description& options,
                         po::positional_options_description& pos) {
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "address", po::value<std::vector<std::string>>()->required(),
      "member addresses: addr or \"Name <addr>\"");
  options.add(arguments);
  pos.add("list", 1).add("address", -1);
}

int Add(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("role", po::value<std::string>()->default_value("member"),
                        "member, moderator or owner");
  po::positional_options_description pos;
  AddListAndAddresses(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " add LIST ADDR... [--role member|moderator|owner]", options, args, vm,
                 &pos)) {
    return kExitOk;
  }
  storage::MemberRole role = RoleOrThrow(vm["role"].as<std::string>());
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  MemberChangeReport report = OrThrow(service.AddMembers(
      vm["list"].as<std::string>(), vm["address"].as<std::vector<std::string>>(), role, Now()));
  for (const std::string& a : report.changed) {
    std::cout << "added " << a << " as " << storage::ToString(role) << "\n";
  }
  for (const std::string& a : report.unchanged) {
    std::cout << "already a member, unchanged: " << a << "\n";
  }
  return kExitOk;
}

int Rm(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::positional_options_description pos;
  AddListAndAddresses(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " rm LIST ADDR...", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  MemberChangeReport report = OrThrow(service.RemoveMembers(
      vm["list"].as<std::string>(), vm["address"].as<std::vector<std::string>>(), Now()));
  for (const std::string& a : report.changed) std::cout << "removed " << a << "\n";
  for (const std::string& a : report.unchanged) std::cout << "not a member: " << a << "\n";
  return kExitOk;
}

// moderated=yes|no and delivery=STATE, where "disabled" is the member's
// own choice (disabled-by-user) and the state names are taken as they are.
service::MemberOptions MemberOptionsOrThrow(const std::vector<std::string>& settings) {
  service::MemberOptions options;
  for (const std::string& setting : settings) {
    const size_t eq = setting.find('=');
    if (eq == std::string::npos) {
      throw CommandError{
          "expected NAME=VALUE (moderated=yes|no, delivery=enabled|disabled), not '" +
          Printable(setting) + "'"};
    }
    const std::string name = setting.substr(0, eq);
    const std::string value = setting.substr(eq + 1);
    if (name == "moderated") {
      if (value == "yes") {
        options.moderated = true;
      } else if (value == "no") {
        options.moderated = false;
      } else {
        throw CommandError{"moderated must be yes or no, not '" + Printable(value) + "'"};
      }
    } else if (name == "delivery") {
      std::optional<storage::Delivery> delivery =
          value == "disabled" ? storage::Delivery::kDisabledByUser : storage::ParseDelivery(value);
      if (!delivery) {
        throw CommandError{
            "delivery must be enabled, disabled (by the member), disabled-by-user "
            "or disabled-by-bounce, not '" +
            Printable(value) + "'"};
      }
      options.delivery = *delivery;
    } else {
      throw CommandError{"unknown member setting '" + Printable(name) + "' (moderated, delivery)"};
    }
  }
  return options;
}

int Set(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print the member as JSON");
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "address", po::value<std::string>()->required(), "the member's address")(
      "setting", po::value<std::vector<std::string>>()->required(),
      "moderated=yes|no, delivery=enabled|disabled|disabled-by-user|disabled-by-bounce");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("address", 1).add("setting", -1);
  po::variables_map vm;
  if (!ParseArgs(program + " set LIST ADDR moderated=yes|no delivery=enabled|disabled [--json]",
                 options, args, vm, &pos)) {
    return kExitOk;
  }
  const service::MemberOptions member_options =
      MemberOptionsOrThrow(vm["setting"].as<std::vector<std::string>>());
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  storage::MemberRecord member = OrThrow(service.SetMemberOptions(
      vm["list"].as<std::string>(), vm["address"].as<std::string>(), member_options, Now()));
  if (vm.count("json")) {
    std::cout << views::Dump(views::MemberView(member)) << "\n";
  } else {
    std::cout << Printable(member.address.ToString())
              << ": moderated=" << (member.moderated ? "yes" : "no")
              << " delivery=" << storage::ToString(member.delivery) << "\n";
  }
  return kExitOk;
}

// Re-enables delivery to a member (disabled by bounces or by themselves),
// with its score at 0 and its bounce state forgotten.
int Enable(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "address", po::value<std::string>()->required(), "the member's address");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("address", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " enable LIST ADDR", options, args, vm, &pos)) return kExitOk;
  base::Result<base::EmailAddress> address =
      base::EmailAddress::Parse(vm["address"].as<std::string>());
  if (!address) throw CommandError{"invalid address: " + address.error()};
  auto store = OpenStoreOrThrow(vm);
  // Enabling sends no mail: no templates are needed.
  service::BounceService service(*store, "", UnixActor("listctl"));
  std::cout << Printable(OrThrow(
                   service.Enable(vm["list"].as<std::string>(), *address, "listctl", Now())))
            << "\n";
  return kExitOk;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("role", po::value<std::string>(), "only members of this role")(
      "json", "print one JSON array of members");
  po::positional_options_description pos;
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address");
  options.add(arguments);
  pos.add("list", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " ls LIST [--role R] [--json]", options, args, vm, &pos)) {
    return kExitOk;
  }
  storage::MemberFilter filter;
  if (vm.count("role")) filter.role = RoleOrThrow(vm["role"].as<std::string>());
  const bool as_json = vm.count("json") > 0;
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  // Members are printed as they are read; the JSON array is written by
  // hand around one small document a member so it too streams.
  bool first = true;
  if (as_json) std::cout << "[";
  base::Status listed = service.ForEachMember(
      vm["list"].as<std::string>(), filter, [&](const storage::MemberRecord& m) {
        if (as_json) {
          std::cout << (first ? "\n  " : ",\n  ") << views::DumpLine(views::MemberView(m));
        } else {
          std::cout << Printable(m.address.ToString()) << '\t' << storage::ToString(m.role) << '\t'
                    << storage::ToString(m.delivery) << '\t' << Printable(m.address.display_name)
                    << '\n';
        }
        first = false;
      });
  if (!listed) {
    // Nothing useful was printed for an unknown list; a failure half-way
    // leaves a truncated listing, which the exit status reports.
    if (as_json && !first) std::cout << "\n]\n";
    std::cout.flush();
    throw CommandError{listed.error(), listed.kind()};
  }
  if (as_json) std::cout << (first ? "]\n" : "\n]\n");
  std::cout.flush();
  return kExitOk;
}

void PrintImportReport(const ImportReport& report) {
  std::cout << "added " << report.added << ", skipped " << report.duplicates
            << " duplicates, rejected " << report.rejected_count << " invalid lines\n";
  for (const ImportReport::Rejected& r : report.rejected) {
    std::cout << "  line " << r.line << ": " << r.reason << "\n";
  }
  if (report.rejected_count > static_cast<int64_t>(report.rejected.size())) {
    std::cout << "  ... and "
              << report.rejected_count - static_cast<int64_t>(report.rejected.size())
              << " more rejected lines not shown\n";
  }
  if (report.rejected_count > 0) {
    std::cout << "note: the rejected lines were not imported; fix them and import the file "
                 "again (the addresses already added will be skipped as duplicates)\n";
  }
}

int Import(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "file", po::value<std::string>()->required(),
      "file of addresses, one a line (addr or Name <addr>); - reads standard input");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("file", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " import LIST FILE", options, args, vm, &pos)) return kExitOk;
  const std::string path = vm["file"].as<std::string>();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw CommandError{"cannot read " + path + ": " + std::strerror(errno)};
    in = &file;
  }
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  base::Result<ImportReport> imported =
      service.ImportMembers(vm["list"].as<std::string>(), *in, Now());
  if (!imported) throw CommandError{"importing " + path + ": " + imported.error(), imported.kind()};
  const ImportReport& report = *imported;
  PrintImportReport(report);
  return kExitOk;
}

int Export(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "file", po::value<std::string>(),
      "file to write (mode 0600: it holds personal data); default standard output");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("file", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " export LIST [FILE]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  MemberService service(*store, UnixActor("listctl"));
  const std::string list = vm["list"].as<std::string>();
  if (!vm.count("file") || vm["file"].as<std::string>() == "-") {
    OrThrow(service.ExportMembers(list, std::cout));
    return kExitOk;
  }
  const std::string path = vm["file"].as<std::string>();
  // Find the list first so an unknown list leaves no empty file behind.
  OrThrow(service::FindList(*store, list));
  // A member list is personal data: create the file for its owner only.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw CommandError{"cannot create " + path + ": " + std::strerror(errno)};
  ::close(fd);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw CommandError{"cannot write " + path};
  int64_t written = OrThrow(service.ExportMembers(list, out));
  out.close();
  if (!out) throw CommandError{"cannot write " + path};
  std::cerr << "exported " << written << " members to " << path << "\n";
  return kExitOk;
}

// `member unsubscribe-url LIST ADDR --base-url URL [--preferences]`: the
// member's one-click unsubscribe URL (or preferences page), for admins and
// tests; the same URL listd's mails carry.
int UnsubscribeUrl(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("base-url", po::value<std::string>()->required(),
                        "the web face's base URL, as listd's --http-base-url")(
      "preferences", "print the preferences page's URL instead");
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("list", po::value<std::string>()->required(), "the list's address")(
      "address", po::value<std::string>()->required(), "the member's address");
  options.add(arguments);
  po::positional_options_description pos;
  pos.add("list", 1).add("address", 1);
  po::variables_map vm;
  if (!ParseArgs(program + " unsubscribe-url LIST ADDR --base-url URL", options, args, vm, &pos)) {
    return kExitOk;
  }
  base::Result<base::EmailAddress> address =
      base::EmailAddress::Parse(vm["address"].as<std::string>());
  if (!address) throw CommandError{"invalid address: " + address.error()};
  auto store = OpenStoreOrThrow(vm);
  service::SubscriptionService subscriptions(*store, "", UnixActor("listctl"));
  const service::LinkPurpose purpose = vm.count("preferences") ? service::LinkPurpose::kPreferences
                                                               : service::LinkPurpose::kUnsubscribe;
  std::cout << Printable(OrThrow(
                   subscriptions.MemberLinkUrl(vm["list"].as<std::string>(), *address, purpose,
                                               vm["base-url"].as<std::string>(), Now())))
            << "\n";
  return kExitOk;
}

// `member rotate-links LIST`: a new member-link secret; every unsubscribe
// and preferences link sent before stops working.
int RotateLinks(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " rotate-links LIST", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  service::SubscriptionService subscriptions(*store, "", UnixActor("listctl"));
  OrThrow(subscriptions.RotateLinkSecret(vm["list"].as<std::string>(), Now()));
  std::cout << "the member links of " << Printable(vm["list"].as<std::string>())
            << " were renewed: earlier unsubscribe and preferences links no longer work\n";
  return kExitOk;
}

void PrintMemberUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "\n"
      << "commands:\n"
      << "  add LIST ADDR... [--role member|moderator|owner]   add members\n"
      << "  rm LIST ADDR...                                     remove members\n"
      << "  set LIST ADDR moderated=yes|no delivery=enabled|disabled\n"
      << "                                                      hold every post of a member; "
         "stop or resume delivery\n"
      << "  enable LIST ADDR                                    resume delivery stopped by "
         "bounces:\n"
      << "                                                      score 0, bounce state "
         "forgotten\n"
      << "  ls LIST [--role R] [--json]                         list members\n"
      << "  import LIST FILE                                    add the addresses in FILE (- "
         "stdin)\n"
      << "  export LIST [FILE]                                  write members in import form\n"
      << "  unsubscribe-url LIST ADDR --base-url URL [--preferences]\n"
      << "                                                      the member's one-click "
         "unsubscribe URL\n"
      << "  rotate-links LIST                                   new member-link secret: old "
         "links stop working\n"
      << "\n"
      << "Each command takes --db PATH or --config FILE, and --help.\n";
}

}  // namespace

int RunMemberCommand(const std::string& program, const Args& args) {
  return Dispatch(program, args,
                  {{"add", Add},
                   {"rm", Rm},
                   {"set", Set},
                   {"enable", Enable},
                   {"ls", Ls},
                   {"import", Import},
                   {"export", Export},
                   {"unsubscribe-url", UnsubscribeUrl},
                   {"rotate-links", RotateLinks}},
                  PrintMemberUsage);
}

}  // namespace listd::cli
