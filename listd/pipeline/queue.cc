// Stage 7, queue (see queue.h).
#include "listd/pipeline/queue.h"

namespace listd::pipeline {
namespace {

// Collects recipients and writes a batch each time `batch_size` are in hand.
class BatchWriter {
 public:
  BatchWriter(storage::Store& store, int64_t post_id, std::string envelope_from,
              const std::string& message, const QueueOptions& options)
      : store_(store),
        post_id_(post_id),
        envelope_from_(std::move(envelope_from)),
        message_(message),
        options_(options) {}

  base::Status Add(std::string recipient) {
    pending_.push_back(std::move(recipient));
    if (pending_.size() >= options_.batch_size) return Flush();
    return base::Ok();
  }

  base::Status Flush() {
    if (pending_.empty()) return base::Ok();
    storage::DeliveryBatch batch;
    batch.post_id = post_id_;
    batch.message = message_;
    batch.envelope_from = envelope_from_;
    batch.recipients = std::move(pending_);
    batch.next_attempt_at = options_.now;
    pending_.clear();
    auto added = store_.spool().AddBatch(batch);
    if (!added) return added.failure();
    queued_.recipients += batch.recipients.size();
    ++queued_.batches;
    return base::Ok();
  }

  const Queued& queued() const { return queued_; }

 private:
  storage::Store& store_;
  int64_t post_id_;
  std::string envelope_from_;
  const std::string& message_;
  QueueOptions options_;
  std::vector<std::string> pending_;
  Queued queued_;
};

}  // namespace

base::Result<Queued> QueueForMembers(storage::Store& store, int64_t post_id,
                                     const ListContext& list, const std::string& message,
                                     const QueueOptions& options) {
  BatchWriter writer(store, post_id, list.RoleAddress("bounces"), message, options);
  base::Status failed = base::Ok();
  storage::MemberFilter enabled;
  enabled.delivery = storage::Delivery::kEnabled;
  base::Status listed =
      store.members().ForEach(list.list.id, enabled, [&](const storage::MemberRecord& member) {
        failed = writer.Add(member.address.local_part + "@" + member.address.domain);
        return failed.ok();
      });
  if (!listed) return listed.failure();
  if (!failed) return failed.failure();
  base::Status flushed = writer.Flush();
  if (!flushed) return flushed.failure();
  return writer.queued();
}

base::Result<Queued> QueueFor(storage::Store& store, int64_t post_id,
                              const std::string& envelope_from,
                              const std::vector<std::string>& recipients,
                              const std::string& message, const QueueOptions& options) {
  BatchWriter writer(store, post_id, envelope_from, message, options);
  for (const std::string& recipient : recipients) {
    base::Status added = writer.Add(recipient);
    if (!added) return added.failure();
  }
  base::Status flushed = writer.Flush();
  if (!flushed) return flushed.failure();
  return writer.queued();
}

}  // namespace listd::pipeline
