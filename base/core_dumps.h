// Core dumps and secrets: a process that holds list keys should not leave
// them in a core file, nor let another process of the same user read its
// memory through ptrace or /proc/PID/mem.
//
// ForbidCoreDumps() clears the dumpable flag (prctl PR_SET_DUMPABLE 0), which
// does both: the kernel writes no core file and refuses ptrace attach to
// processes without CAP_SYS_PTRACE. Key pages are also marked MADV_DONTDUMP
// (base/secret_bytes.h, OpenSSL's secure heap), so even a process allowed to
// dump (listd --allow-core-dumps, for debugging) leaves them out.
#ifndef LISTD_BASE_CORE_DUMPS_H_
#define LISTD_BASE_CORE_DUMPS_H_

namespace base {

// Makes this process non-dumpable; false when the kernel refused.
bool ForbidCoreDumps();
// Whether this process may dump core (prctl PR_GET_DUMPABLE).
bool CoreDumpsAllowed();

}  // namespace base

#endif  // LISTD_BASE_CORE_DUMPS_H_
