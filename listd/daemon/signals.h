// Signals: how the listd process is told to stop. SIGTERM and SIGINT are
// blocked in every thread and taken by one sigwait() in the main thread,
// so no handler runs in the middle of a worker; SIGPIPE is ignored, so a
// write to a closed socket is an error, not a death.
#ifndef LISTD_LISTD_DAEMON_SIGNALS_H_
#define LISTD_LISTD_DAEMON_SIGNALS_H_

#include <string>

namespace listd::daemon {

// Blocks SIGTERM and SIGINT and ignores SIGPIPE; call before any thread
// starts, so that every thread inherits the mask.
void BlockStopSignals();

// Waits for SIGTERM or SIGINT; returns its name ("SIGTERM").
std::string WaitForStopSignal();

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_SIGNALS_H_
