// DeliveryWorker: takes due batches from the durable queue and hands them
// to a Transport (SMTP smarthost or Maildir), recording what became of
// every recipient.
//
// STANDARDS
//   RFC 5321 section 4.5.4.1 (retry: back off, give up after 4-5 days),
//   section 4.2.5 (4yz is transient, 5yz permanent), section 4.5.5 (a
//   refusal of a list copy returns to the list, whose -bounces address is
//   the envelope sender).
// BEHAVIOUR
//   Each round a worker claims a due batch (storage::Store::ClaimBatches),
//   hands it to its Transport, judges the answer (delivery/retry.h:
//   delivered, deferred with backoff, bounced, or refused as a message) and
//   records it (service/delivery_records.h: bounces are events and score
//   points, a refused message fails the post with the reason and scores no
//   one, the batch is done or rescheduled), all of one attempt in one
//   transaction. The log line counts refused recipients ("refused=N").
// LIMITS (defaults)
//   batches claimed per round: 1 per worker; lease on a claimed batch: 10
//   minutes (a worker killed mid-send leaves it for others after that);
//   retry_base 60 s, retry_max 1 h, give_up_after 5 days.
// CONTRACT
//   Each worker thread opens its own Store and Transport. Stop() lets the
//   batch in hand finish, then joins.
#ifndef LISTD_LISTD_DAEMON_DELIVERY_WORKER_H_
#define LISTD_LISTD_DAEMON_DELIVERY_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "dkim/key_resolver.h"
#include "listd/daemon/activity.h"
#include "listd/delivery/retry.h"
#include "listd/delivery/transport.h"
#include "storage/store.h"

namespace listd::daemon {

struct DeliveryOptions {
  int workers = 2;
  delivery::RetryPolicy retry;
  int64_t lease_seconds = 600;
  std::chrono::milliseconds idle_poll{1000};  // how often an idle worker looks
  std::string actor = "listd";
  Activity* activity = nullptr;  // counts each attempt's recipients; may be null
};

// What one batch's attempt came to, for the log.
struct BatchReport {
  int64_t batch_id = 0;
  int64_t post_id = 0;
  size_t delivered = 0, deferred = 0, bounced = 0;
  size_t refused = 0;  // recipients of a message the next hop refused (no bounce)
  std::string error;   // the transaction-level problem, if any
};

// Delivers one claimed batch and records the outcome (exposed for tests).
base::Result<BatchReport> DeliverBatch(storage::Store& store, delivery::Transport& transport,
                                       const storage::DeliveryBatch& batch,
                                       const DeliveryOptions& options, int64_t now);

class DeliveryPool {
 public:
  using StoreFactory = std::function<base::Result<std::unique_ptr<storage::Store>>()>;
  using Log = std::function<void(const std::string&)>;

  DeliveryPool(StoreFactory stores, delivery::TransportFactory transports, DeliveryOptions options,
               Log log, dkim::Clock now = dkim::SystemNow);
  ~DeliveryPool();  // Stop()s
  DeliveryPool(const DeliveryPool&) = delete;
  DeliveryPool& operator=(const DeliveryPool&) = delete;

  // Starts the worker threads; fails when a worker's Store cannot open.
  base::Status Start();
  // Wakes idle workers (new batches were queued).
  void Wake();
  // Lets every batch in hand finish and joins the threads.
  void Stop();

 private:
  void Run(std::unique_ptr<storage::Store> store);

  StoreFactory stores_;
  delivery::TransportFactory transports_;
  DeliveryOptions options_;
  Log log_;
  dkim::Clock now_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t wakes_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_DELIVERY_WORKER_H_
