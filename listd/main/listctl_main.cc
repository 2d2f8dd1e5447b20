// listctl: the list administrator's command line.
//
// NAME
//   listctl - administer listd: lists, members, keys and their rollover,
//   and DKIM signing and verification from the shell
// SYNOPSIS
//   listctl list|member|key|held|sub|ban|doctor|dkim <command> [options]   (each has --help)
//   listctl inject LIST < message
//   listctl bounce parse [--json] < message
//   listctl bounce ls LIST [--json]
//   The store is chosen by --db PATH (default var/listd.db) or a --config
//   file holding "db = PATH".
#include <iostream>
#include <string>

#include "base/core_dumps.h"
#include "dkim/crypto.h"
#include "listd/cli/cli.h"
#include "listd/cli/exit_codes.h"
#include "listd/inbound/bounce_parser.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "usage: listctl <group> <command> [options]\n"
         "\n"
         "groups:\n"
         "  list     create | ls | show | set | rm | events\n"
         "  member   add | rm | set | enable | ls | import | export\n"
         "  key      generate | dns | check | activate | rotate | retire | rm | ls | export | "
         "import\n"
         "  held     ls | show | approve | reject | discard   posts waiting for a moderator\n"
         "  ban      add | rm | ls   bans per list (--list) or site-wide\n"
         "  sub      pending | approve | reject   subscription requests waiting for a moderator\n"
         "  inject   LIST < message: hand a post to listd (for pipe transports)\n"
         "  bounce   parse [--json] < message: what a returned mail says (no store)\n"
         "           ls LIST [--json]: members with a bounce score or state\n"
         "  doctor   LIST: what a receiver would find wrong with the list's signing\n"
         "  dkim     keygen | sign | verify   DKIM with key files, outside the store\n"
         "  arc      seal | verify            ARC (RFC 8617) with key files, outside the store\n"
         "\n"
         "Run 'listctl <group> <command> --help' for a command's options.\n"
         "\n"
      << listd::cli::ExitCodesHelp();
}

}  // namespace

int main(int argc, char** argv) {
  // listctl generates, imports and exports keys: the same care as listd
  // (base/core_dumps.h), without the debugging switch.
  dkim::UseSecureHeapForPrivateKeys();
  base::ForbidCoreDumps();
  std::ios::sync_with_stdio(false);
  listd::cli::Args args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(std::cerr);
    return listd::cli::kExitInvalid;
  }
  const std::string group = args.front();
  args.erase(args.begin());
  if (group == "--help" || group == "-h" || group == "help") {
    PrintUsage(std::cout);
    return listd::cli::kExitOk;
  }
  if (group == "dkim") return listd::cli::RunDkimCommand("listctl dkim", args);
  if (group == "arc") return listd::cli::RunArcCommand("listctl arc", args);
  if (group == "list") return listd::cli::RunListCommand("listctl list", args);
  if (group == "member") return listd::cli::RunMemberCommand("listctl member", args);
  if (group == "key") return listd::cli::RunKeyCommand("listctl key", args);
  if (group == "held") return listd::cli::RunHeldCommand("listctl held", args);
  if (group == "ban") return listd::cli::RunBanCommand("listctl ban", args);
  if (group == "sub") return listd::cli::RunSubCommand("listctl sub", args);
  if (group == "bounce") {
    return listd::cli::RunBounceCommand("listctl bounce", args, &listd::inbound::ParseBounce);
  }
  if (group == "inject") return listd::cli::RunInjectCommand("listctl inject", args);
  if (group == "doctor") return listd::cli::RunDoctorCommand("listctl doctor", args);
  std::cerr << "listctl: unknown group '" << group << "'\n";
  PrintUsage(std::cerr);
  return listd::cli::kExitInvalid;
}
