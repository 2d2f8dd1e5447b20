// listd: the list daemon.
//
// NAME
//   listd - take posts over LMTP, authenticate, decorate, re-sign and
//   deliver them to every member of the list
// SYNOPSIS
//   listd [--config FILE] [--db PATH] [--lmtp HOST:PORT]
//         [--deliver smtp://HOST:PORT | maildir:DIR] [--dns HOST:PORT]
//         [--authserv-id ID] [--trusted-authserv-id ID ...]   (--help for all)
// SIGNALS
//   SIGTERM, SIGINT: stop accepting, finish the work in hand, exit 0.
// EXIT STATUS
//   0 after a clean stop; 2 when the options or the start-up fail.
#include <ctime>
#include <iostream>
#include <mutex>

#include "listd/daemon/daemon.h"
#include "listd/daemon/signals.h"

namespace {

// One line per event on stderr, whole lines even from many threads.
void LogLine(const std::string& line) {
  static std::mutex mutex;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << stamp << " listd: " << line << "\n" << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  namespace daemon = listd::daemon;
  auto options = daemon::ParseDaemonOptions(argc, argv);
  if (!options) {
    std::cerr << "listd: " << options.error() << "\n";
    return 2;
  }
  if (!*options) return 0;  // --help

  // Every thread started from here on inherits the blocked stop signals.
  daemon::BlockStopSignals();
  daemon::Daemon listd(**options, LogLine);
  base::Status started = listd.Start();
  if (!started) {
    LogLine("cannot start: " + started.error());
    return 2;
  }
  if (!listd.web_url().empty()) LogLine("web: " + listd.web_url() + "/");
  LogLine("ready: LMTP on " + (*options)->lmtp.substr(0, (*options)->lmtp.rfind(':')) + ":" +
          std::to_string(listd.lmtp_port()) + ", delivering to " + (*options)->deliver +
          ", store " + (*options)->db);
  LogLine("stopping on " + daemon::WaitForStopSignal());
  listd.Stop();
  LogLine("stopped");
  return 0;
}
