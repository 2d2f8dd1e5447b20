// The daemon's clock: the system's, or, for tests that let days pass
// (bounce warnings a week apart, tokens that expire), the system's plus an
// offset in seconds read from a file (--clock-offset-file). The file is
// read again at most every kClockFileRecheck, so a test that writes a new
// offset sees every worker follow within a moment, and a clock call costs
// no system call in between. A missing or unreadable file is offset 0.
//
// Thread-safety: the returned Clock may be called from any thread.
#ifndef LISTD_LISTD_DAEMON_CLOCK_H_
#define LISTD_LISTD_DAEMON_CLOCK_H_

#include <chrono>
#include <string>

#include "dkim/key_resolver.h"

namespace listd::daemon {

inline constexpr std::chrono::milliseconds kClockFileRecheck{200};

// The system clock when `offset_file` is "", else the offset clock above.
dkim::Clock MakeDaemonClock(const std::string& offset_file);

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_CLOCK_H_
