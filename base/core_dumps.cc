// base/core_dumps.h over prctl(2).
#include "base/core_dumps.h"

#include <sys/prctl.h>

namespace base {

bool ForbidCoreDumps() { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0; }

bool CoreDumpsAllowed() { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1; }

}  // namespace base
