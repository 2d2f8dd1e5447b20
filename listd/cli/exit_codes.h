// listctl's exit status: one number per kind of outcome, so that a script
// can tell "no such list" from "the store is locked, try again" without
// reading the message (the REST API maps the same kinds to HTTP statuses).
//
//   0  done
//   1  the command ran and the answer is no (a check that does not match,
//      a refused activation, doctor found errors)
//   2  usage error or invalid input (kind invalid)
//   3  what was named does not exist (kind not_found)
//   4  it clashes with what exists or with its state (kind conflict)
//   5  not permitted (kind forbidden; e.g. a master key file others can read)
//   6  unavailable for now: DNS, the smarthost, a locked store (kind
//      unavailable); trying again later may work
//   7  internal: the store is broken, or a bug (kind internal)
#ifndef LISTD_LISTD_CLI_EXIT_CODES_H_
#define LISTD_LISTD_CLI_EXIT_CODES_H_

#include <string>

#include "base/result.h"

namespace listd::cli {

constexpr int kExitOk = 0;
constexpr int kExitNo = 1;
constexpr int kExitInvalid = 2;
constexpr int kExitNotFound = 3;
constexpr int kExitConflict = 4;
constexpr int kExitForbidden = 5;
constexpr int kExitUnavailable = 6;
constexpr int kExitInternal = 7;

// The exit status for an error of `kind`.
int ExitCodeFor(base::ErrorKind kind);

// The table above, for --help.
std::string ExitCodesHelp();

}  // namespace listd::cli

#endif  // LISTD_LISTD_CLI_EXIT_CODES_H_
