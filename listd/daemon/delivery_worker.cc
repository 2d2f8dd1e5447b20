// DeliveryWorker (see delivery_worker.h).
#include "listd/daemon/delivery_worker.h"

#include "base/free_memory.h"

#include <utility>

#include "listd/service/delivery_records.h"

namespace listd::daemon {

base::Result<BatchReport> DeliverBatch(storage::Store& store, delivery::Transport& transport,
                                       const storage::DeliveryBatch& batch,
                                       const DeliveryOptions& options, int64_t now) {
  const delivery::SendResult sent =
      transport.Send(batch.envelope_from, batch.recipients, batch.message);
  delivery::AttemptVerdict verdict = delivery::JudgeAttempt(batch.recipients, sent, batch.attempts,
                                                            batch.queued_at, now, options.retry);
  BatchReport report;
  report.batch_id = batch.id;
  report.post_id = batch.post_id;
  report.error = sent.error;
  report.delivered = verdict.delivered;
  report.deferred = verdict.deferred.size();
  report.bounced = verdict.bounced.size();
  report.refused = verdict.refused.size();
  service::DeliveryAttempt attempt;
  attempt.batch_id = batch.id;
  attempt.post_id = batch.post_id;
  attempt.deferred = std::move(verdict.deferred);
  attempt.bounced = std::move(verdict.bounced);
  attempt.refused = std::move(verdict.refused);
  attempt.refusal = std::move(verdict.refusal);
  attempt.retry_at = verdict.retry_at;
  attempt.error = sent.error;
  base::Status recorded = service::RecordDeliveryAttempt(store, options.actor, attempt, now);
  if (!recorded) return recorded.failure();
  // Counted once the attempt is recorded: a count never runs ahead of what
  // the store says happened.
  if (options.activity != nullptr) {
    options.activity->Recipients(report.delivered, report.deferred, report.bounced, report.refused);
  }
  return report;
}

DeliveryPool::DeliveryPool(StoreFactory stores, delivery::TransportFactory transports,
                           DeliveryOptions options, Log log, dkim::Clock now)
    : stores_(std::move(stores)),
      transports_(std::move(transports)),
      options_(std::move(options)),
      log_(std::move(log)),
      now_(std::move(now)) {}

DeliveryPool::~DeliveryPool() { Stop(); }

base::Status DeliveryPool::Start() {
  for (int i = 0; i < options_.workers; ++i) {
    auto store = stores_();
    if (!store) {
      Stop();
      return base::Error{"delivery worker: " + store.error()};
    }
    threads_.emplace_back([this, s = std::move(*store)]() mutable { Run(std::move(s)); });
  }
  return base::Ok();
}

void DeliveryPool::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void DeliveryPool::Stop() {
  stopping_ = true;
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void DeliveryPool::Run(std::unique_ptr<storage::Store> store) {
  std::unique_ptr<delivery::Transport> transport = transports_();
  uint64_t seen = 0;
  bool worked = false;  // since the last trim
  while (!stopping_) {
    const int64_t now = now_();
    auto claimed = store->ClaimBatches(now, 1, now + options_.lease_seconds);
    if (!claimed) {
      if (log_) log_("delivery: " + claimed.error());
    } else if (!claimed->empty()) {
      worked = true;
      for (const storage::DeliveryBatch& batch : *claimed) {
        auto report = DeliverBatch(*store, *transport, batch, options_, now_());
        if (!log_) continue;
        if (!report) {
          log_("delivery: batch " + std::to_string(batch.id) + ": " + report.error());
        } else {
          log_("delivery post=" + std::to_string(report->post_id) +
               " batch=" + std::to_string(report->batch_id) + " delivered=" +
               std::to_string(report->delivered) + " deferred=" + std::to_string(report->deferred) +
               " bounced=" + std::to_string(report->bounced) +
               " refused=" + std::to_string(report->refused) +
               (report->error.empty() ? "" : " error=\"" + report->error + "\""));
        }
      }
      continue;  // there may be more due at once
    }
    // Out of work: give back what the batches needed (once, not at every
    // idle poll).
    if (worked) base::ReleaseFreeMemory();
    worked = false;
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || wakes_ != seen; });
    seen = wakes_;
  }
}

}  // namespace listd::daemon
