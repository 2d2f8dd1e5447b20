// DeliveryWorker (see delivery_worker.h).
#include "listd/daemon/delivery_worker.h"

#include <algorithm>

#include "base/email_address.h"

namespace listd {

int64_t NextAttemptAt(const DeliveryOptions& options, int attempts, int64_t now) {
  int64_t delay = options.retry_base_seconds;
  for (int i = 0; i < attempts && delay < options.retry_max_seconds; ++i) delay *= 2;
  return now + std::min(delay, options.retry_max_seconds);
}

namespace {

// A 5xx for `recipient` of post `post_id`: an event and one more bounce
// point for the member (if they still are one).
base::Status RecordBounce(storage::Store& store, const DeliveryOptions& options, int64_t list_id,
                          int64_t post_id, const std::string& recipient, const std::string& reply,
                          int64_t now) {
  if (list_id != 0) {
    if (auto address = base::EmailAddress::Parse(recipient)) {
      auto member = store.members().Find(list_id, *address);
      if (!member) return base::Error{member.error()};
      if (*member) {
        base::Status scored =
            store.members().SetBounceScore((*member)->id, (*member)->bounce_score + 1);
        if (!scored) return scored;
      }
    }
  }
  return store.events().Record(now, options.actor,
                               list_id == 0 ? std::nullopt : std::optional<int64_t>(list_id),
                               "delivery.bounce",
                               "post " + std::to_string(post_id) + " to <" + recipient +
                                   ">: " + reply);
}

}  // namespace

base::Result<BatchReport> DeliverBatch(storage::Store& store, delivery::Transport& transport,
                                       const storage::DeliveryBatch& batch,
                                       const DeliveryOptions& options, int64_t now) {
  BatchReport report;
  report.batch_id = batch.id;
  report.post_id = batch.post_id;
  const delivery::SendResult sent =
      transport.Send(batch.envelope_from, batch.recipients, batch.message);
  report.error = sent.error;

  std::vector<std::string> deferred;
  std::vector<std::pair<std::string, std::string>> bounced;  // recipient, reply
  for (size_t i = 0; i < batch.recipients.size(); ++i) {
    // A transport that answered for fewer recipients than it was given has
    // not delivered the rest: they wait for another attempt.
    if (i >= sent.recipients.size()) {
      deferred.push_back(batch.recipients[i]);
      continue;
    }
    const delivery::RecipientResult& result = sent.recipients[i];
    switch (result.outcome) {
      case delivery::Outcome::kDelivered:
        ++report.delivered;
        break;
      case delivery::Outcome::kTempFail:
        deferred.push_back(batch.recipients[i]);
        break;
      case delivery::Outcome::kPermFail:
        bounced.emplace_back(batch.recipients[i], result.reply);
        break;
    }
  }

  // Retrying ends give_up_after the batch was queued (RFC 5321 section
  // 4.5.4.1), counted from the queueing, not from the post's arrival: a
  // post a moderator approved after days has had no attempt yet.
  if (!deferred.empty() && now - batch.queued_at >= options.give_up_after_seconds) {
    const std::string why = "gave up after " + std::to_string(batch.attempts + 1) +
                            " attempts: " +
                            (sent.error.empty() ? std::string("deferred") : sent.error);
    for (std::string& recipient : deferred) bounced.emplace_back(std::move(recipient), why);
    deferred.clear();
  }
  // The post tells whose members bounced; only a bounce needs it.
  int64_t list_id = 0;
  if (!bounced.empty()) {
    auto post = store.spool().Find(batch.post_id);
    if (!post) return base::Error{post.error()};
    if (*post) list_id = (*post)->list_id;
  }
  report.deferred = deferred.size();
  report.bounced = bounced.size();

  storage::Transaction transaction(store.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  for (const auto& [recipient, reply] : bounced) {
    base::Status recorded =
        RecordBounce(store, options, list_id, batch.post_id, recipient, reply, now);
    if (!recorded) return base::Error{recorded.error()};
  }
  base::Status updated =
      deferred.empty()
          ? store.spool().CompleteBatch(batch.id)
          : store.spool().Reschedule(batch.id, deferred,
                                     NextAttemptAt(options, batch.attempts, now),
                                     sent.error.empty() ? "recipients deferred" : sent.error);
  if (!updated) return base::Error{updated.error()};
  base::Status committed = transaction.Commit();
  if (!committed) return base::Error{committed.error()};
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
  while (!stopping_) {
    const int64_t now = now_();
    auto claimed = store->spool().ClaimDueBatches(now, 1, now + options_.lease_seconds);
    if (!claimed) {
      if (log_) log_("delivery: " + claimed.error());
    } else if (!claimed->empty()) {
      for (const storage::DeliveryBatch& batch : *claimed) {
        auto report = DeliverBatch(*store, *transport, batch, options_, now_());
        if (!log_) continue;
        if (!report) {
          log_("delivery: batch " + std::to_string(batch.id) + ": " + report.error());
        } else {
          log_("delivery post=" + std::to_string(report->post_id) +
               " batch=" + std::to_string(report->batch_id) +
               " delivered=" + std::to_string(report->delivered) +
               " deferred=" + std::to_string(report->deferred) +
               " bounced=" + std::to_string(report->bounced) +
               (report->error.empty() ? "" : " error=\"" + report->error + "\""));
        }
      }
      continue;  // there may be more due at once
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || wakes_ != seen; });
    seen = wakes_;
  }
}

}  // namespace listd
