// ChoresWorker: a thread for the work that waits for time rather than for
// mail: every --chores-interval it runs the bounce chores
// (service/bounce_chores.h: probes, warnings, removals, owner notices, the
// daily digest of unrecognised bounces) over its own Store, logs one line
// when they did something, and wakes delivery for the mail they queued.
//
// CONTRACT
//   Start() runs the chores once at once, then every interval; Stop()
//   lets the run in hand finish and joins. A store failure is logged and
//   tried again at the next interval (each member's step is its own
//   transaction: nothing is half done).
#ifndef LISTD_LISTD_DAEMON_CHORES_WORKER_H_
#define LISTD_LISTD_DAEMON_CHORES_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dkim/key_resolver.h"
#include "storage/store.h"

namespace listd::daemon {

struct ChoresOptions {
  std::chrono::milliseconds interval{60000};
  std::string templates_dir;    // listd's --templates
  std::string actor = "listd";  // recorded with events
};

class ChoresWorker {
 public:
  using Log = std::function<void(const std::string&)>;
  // `queued` is called after a run queued mail (to wake delivery).
  ChoresWorker(std::unique_ptr<storage::Store> store, ChoresOptions options, Log log,
               std::function<void()> queued, dkim::Clock now = dkim::SystemNow);
  ~ChoresWorker();  // Stop()s
  ChoresWorker(const ChoresWorker&) = delete;
  ChoresWorker& operator=(const ChoresWorker&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  std::unique_ptr<storage::Store> store_;
  ChoresOptions options_;
  Log log_;
  std::function<void()> queued_;
  dkim::Clock now_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_CHORES_WORKER_H_
