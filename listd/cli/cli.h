// listctl's command groups, each a file of thin shells over the services:
// parse options, call one service operation, print (text, or one JSON
// document from listd/views with --json). Exit statuses: exit_codes.h.
#ifndef LISTD_LISTD_CLI_CLI_H_
#define LISTD_LISTD_CLI_CLI_H_

#include <string>
#include <string_view>
#include <vector>

#include "listd/service/bounce_report.h"

namespace listd::cli {

// Arguments after the subcommand words, e.g. {"--domain", "example.org"}.
using Args = std::vector<std::string>;

// `listctl dkim ...`: keygen, sign, verify (tools/dkim_commands.cc).
int RunDkimCommand(const std::string& program, const Args& args);
// `listctl arc ...`: seal, verify (tools/arc_commands.cc).
int RunArcCommand(const std::string& program, const Args& args);
// `listctl list ...`: create, ls, show, set, rm (list_commands.cc).
int RunListCommand(const std::string& program, const Args& args);
// `listctl member ...`: add, rm, set, enable, ls, import, export
// (member_commands.cc).
int RunMemberCommand(const std::string& program, const Args& args);
// `listctl key ...`: generate, dns, check, activate, rotate, retire, rm, ls,
// export, import (key_commands.cc).
int RunKeyCommand(const std::string& program, const Args& args);
// `listctl doctor LIST` (doctor_command.cc).
int RunDoctorCommand(const std::string& program, const Args& args);
// `listctl inject LIST < msg` (inject_command.cc).
int RunInjectCommand(const std::string& program, const Args& args);
// `listctl held ...`: ls, show, approve, reject, discard (held_commands.cc).
int RunHeldCommand(const std::string& program, const Args& args);
// `listctl ban ...`: add, rm, ls, per list or site-wide (ban_commands.cc).
int RunBanCommand(const std::string& program, const Args& args);

// `listctl sub ...`: pending, approve, reject (sub_commands.cc).
int RunSubCommand(const std::string& program, const Args& args);

// The bounce parser (listd/inbound/bounce_parser.h), which cli/ may not
// see: listctl's main() passes it in.
using BounceParser = service::BounceReport (*)(std::string_view message);
// `listctl bounce parse [--json] < message` and `bounce ls LIST [--json]`
// (bounce_commands.cc).
int RunBounceCommand(const std::string& program, const Args& args, BounceParser parser);

}  // namespace listd::cli

#endif  // LISTD_LISTD_CLI_CLI_H_
