// Daemon: listd's running parts, wired together.
//
//   LMTP server --Intake--> spool (SQLite) --pipeline thread--> batches
//   --DeliveryPool--> smarthost or Maildir
//
// Start() locks the store (one daemon per store, store_lock.h), opens it,
// resumes whatever a previous run left (posts
// still "received" are processed, every batch still queued is delivered),
// then listens. Stop() stops accepting, lets the LMTP transactions in
// flight finish, finishes the post in hand and the batches in hand, and
// returns; nothing committed is lost, so a kill -9 at any point costs at
// most a repeated delivery, never a missing one.
//
// Logging: one line per post ("post <Message-ID> list=... auth=...
// action=... recipients=N elapsed=Nms") and one per delivery attempt,
// through the Log given.
#ifndef LISTD_LISTD_DAEMON_H_
#define LISTD_LISTD_DAEMON_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/result.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/daemon/daemon_options.h"
#include "listd/daemon/delivery_worker.h"
#include "listd/daemon/intake.h"
#include "listd/lmtp/server.h"
#include "storage/store.h"
#include "storage/store_lock.h"

namespace listd {

class Daemon {
 public:
  using Log = std::function<void(const std::string&)>;
  Daemon(DaemonOptions options, Log log);
  ~Daemon();  // Stop()s
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  base::Status Start();
  void Stop();
  // The LMTP port bound (after Start).
  int lmtp_port() const;

 private:
  void RunPipeline(std::unique_ptr<storage::Store> store);
  void WakePipeline();
  base::Result<std::unique_ptr<storage::Store>> OpenStore() const;

  DaemonOptions options_;
  Log log_;
  std::optional<storage::StoreLock> lock_;
  std::unique_ptr<dkim::UnboundTxtResolver> resolver_;  // the pipeline thread's
  std::unique_ptr<storage::Store> intake_store_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<lmtp::Server> lmtp_;
  std::unique_ptr<DeliveryPool> delivery_;
  std::thread pipeline_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t wakes_ = 0;
  bool started_ = false;
};

}  // namespace listd

#endif  // LISTD_LISTD_DAEMON_H_
