// Exit codes (see exit_codes.h).
#include "listd/cli/exit_codes.h"

namespace listd::cli {

int ExitCodeFor(base::ErrorKind kind) {
  switch (kind) {
    case base::ErrorKind::kInvalid:
      return kExitInvalid;
    case base::ErrorKind::kNotFound:
      return kExitNotFound;
    case base::ErrorKind::kConflict:
      return kExitConflict;
    case base::ErrorKind::kForbidden:
      return kExitForbidden;
    case base::ErrorKind::kUnavailable:
      return kExitUnavailable;
    case base::ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

std::string ExitCodesHelp() {
  return "exit status:\n"
         "  0  done\n"
         "  1  the answer is no (a check that does not match, a refused activation,\n"
         "     doctor found errors)\n"
         "  2  usage error or invalid input\n"
         "  3  not found (no such list, member, key or held post)\n"
         "  4  conflict (it exists already, or its state forbids this now)\n"
         "  5  forbidden (e.g. a master key file others can read)\n"
         "  6  unavailable for now (DNS, the smarthost, a locked store): try again later\n"
         "  7  internal error (the store is broken, or a bug)\n";
}

}  // namespace listd::cli
