// Daemon: listd's running parts, wired together.
//
//   LMTP server --Intake--> spool (SQLite) --PostWorker--> batches
//   --DeliveryPool--> smarthost or Maildir
//
// Start() opens the store and claims it (one daemon per store:
// storage::Store::ClaimDaemon), resumes whatever a previous run left (posts
// still "received" are processed, every batch still queued is delivered),
// then listens. Stop() stops accepting, lets the LMTP transactions in
// flight finish, finishes the post in hand and the batches in hand, and
// returns; nothing committed is lost, so a kill -9 at any point costs at
// most a repeated delivery, never a missing one.
//
// Logging: one line per post ("post <Message-ID> list=... auth=...
// action=... recipients=N elapsed=Nms") and one per delivery attempt,
// through the Log given.
#ifndef LISTD_LISTD_DAEMON_DAEMON_H_
#define LISTD_LISTD_DAEMON_DAEMON_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "listd/daemon/chores_worker.h"
#include "listd/daemon/daemon_options.h"
#include "listd/daemon/delivery_worker.h"
#include "listd/daemon/intake.h"
#include "listd/daemon/post_worker.h"
#include "listd/lmtp/server.h"
#include "listd/webface/web_face.h"
#include "storage/store.h"

namespace listd::daemon {

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
  // Where the web face answers ("" with --http off).
  std::string web_url() const { return web_ ? web_->base_url() : ""; }

 private:
  base::Result<std::unique_ptr<storage::Store>> OpenStore() const;

  DaemonOptions options_;
  Log log_;
  dkim::Clock clock_;                             // the system's, or offset for tests (clock.h)
  std::unique_ptr<storage::Store> intake_store_;  // holds the daemon's claim on the store
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<lmtp::Server> lmtp_;
  std::unique_ptr<DeliveryPool> delivery_;
  std::vector<std::unique_ptr<PostWorker>> posts_;  // --pipeline-workers shards
  std::unique_ptr<ChoresWorker> chores_;
  Activity activity_;                      // counters for /metrics
  std::unique_ptr<webface::WebFace> web_;  // null with --http off
  void WakePostWorkers();
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_DAEMON_H_
