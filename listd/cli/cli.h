// Shared plumbing of listctl's subcommands: the exit codes every command
// uses, and how a subcommand is dispatched.
//
// Exit codes: 0 success; 1 the command ran but the answer is "no" (e.g.
// `dkim verify` found no passing signature); 2 usage, input or I/O error.
#ifndef LISTD_LISTD_CLI_H_
#define LISTD_LISTD_CLI_H_

#include <string>
#include <vector>

namespace listd {

constexpr int kExitOk = 0;
constexpr int kExitNo = 1;
constexpr int kExitError = 2;

// Arguments after the subcommand words, e.g. {"--domain", "example.org"}.
using Args = std::vector<std::string>;

// `listctl dkim ...`: keygen, sign, verify (dkim_commands.cc).
int RunDkimCommand(const std::string& program, const Args& args);
// `listctl arc ...`: seal, verify (arc_commands.cc).
int RunArcCommand(const std::string& program, const Args& args);
// `listctl list ...`: create, ls, show, set, rm (list_commands.cc).
int RunListCommand(const std::string& program, const Args& args);
// `listctl member ...`: add, rm, ls, import, export (member_commands.cc).
int RunMemberCommand(const std::string& program, const Args& args);
// `listctl key ...`: generate, dns, check, activate, rotate, retire, rm, ls,
// export, import (key_commands.cc).
int RunKeyCommand(const std::string& program, const Args& args);
// `listctl doctor LIST` (doctor_command.cc).
int RunDoctorCommand(const std::string& program, const Args& args);
// `listctl inject LIST < msg` (post_commands.cc).
int RunInjectCommand(const std::string& program, const Args& args);
// `listctl held ...`: ls, show, approve, reject, discard (post_commands.cc).
int RunHeldCommand(const std::string& program, const Args& args);

}  // namespace listd

#endif  // LISTD_LISTD_CLI_H_
