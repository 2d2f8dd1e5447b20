// The spool and the delivery queue, as the daemon will use them.
//
// A post is committed to the spool before the MTA hears 250 (never lost);
// the pipeline moves it through its states; delivery batches (up to a
// configured number of recipients each) hold what is left to send, with
// attempts and the next retry time, so a restart resumes every undelivered
// batch.
#ifndef LISTD_STORAGE_SPOOL_REPOSITORY_H_
#define LISTD_STORAGE_SPOOL_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace storage {

// Where a spooled post stands.
enum class PostState { kReceived, kProcessed, kHeld, kRejected, kDiscarded, kFailed };
// "received", "processed", "held", "rejected", "discarded", "failed" (the
// spellings the spool table's CHECK admits).
std::string_view ToString(PostState state);
std::optional<PostState> ParsePostState(std::string_view text);

struct SpooledPost {
  int64_t id = 0;
  int64_t list_id = 0;
  std::string envelope_from;
  std::string recipient;  // the list address it came in for
  std::string message;    // bytes as received (CRLF)
  PostState state = PostState::kReceived;
  std::string reason;
  int64_t received_at = 0;
};

// The next_attempt_at of a parked batch: never due.
inline constexpr int64_t kParkedUntil = INT64_MAX;

struct DeliveryBatch {
  int64_t id = 0;
  int64_t post_id = 0;
  std::string message;  // the decorated, signed copy
  std::string envelope_from;
  std::vector<std::string> recipients;  // still to deliver
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
  int64_t queued_at = 0;  // when the batch was made; 0 in AddBatch: next_attempt_at
};

class SpoolRepository {
 public:
  explicit SpoolRepository(Database& db) : db_(db) {}

  Result<int64_t> Add(const SpooledPost& post);
  Result<std::optional<SpooledPost>> Find(int64_t post_id);
  Status SetState(int64_t post_id, PostState state, const std::string& reason);
  // Replaces the post's bytes (a held post keeps the message as the
  // pipeline recorded it, with listd's Authentication-Results on top, so an
  // approval goes on from there without verifying again).
  Status ReplaceMessage(int64_t post_id, const std::string& message);
  // Posts in state "received" (to resume after a restart), oldest first.
  // The posts in state received, oldest first; with `shards` > 1 only
  // those whose list id is `shard` modulo `shards` (a post without a list
  // counts as list 0), so that each list's posts go to one worker, in order.
  Result<std::vector<int64_t>> Pending(int64_t shard = 0, int64_t shards = 1);

  // Queues one batch for delivery.
  Result<int64_t> AddBatch(const DeliveryBatch& batch);
  // Batches due at `now`, oldest first, at most `limit`.
  Result<std::vector<DeliveryBatch>> DueBatches(int64_t now, int limit);
  // Takes up to `limit` batches due at `now` for one delivery worker: in one
  // write transaction it leases them until `lease_until`, so no other
  // worker takes them meanwhile, and a worker that dies mid-way leaves them
  // to be retried once the lease runs out (or ReleaseLeases is called).
  // Delivery is therefore at least once, never lost. Reschedule and
  // CompleteBatch end the lease.
  Result<std::vector<DeliveryBatch>> ClaimDueBatches(int64_t now, int limit, int64_t lease_until);
  // Ends every lease: for a daemon starting on a store no other daemon uses
  // (listd holds a lock file to be sure), the claims are a dead run's.
  // Returns how many batches were leased.
  Result<int64_t> ReleaseLeases();
  // Records a failed attempt: keeps `remaining` recipients, retries at `retry_at`.
  Status Reschedule(int64_t batch_id, const std::vector<std::string>& remaining, int64_t retry_at,
                    const std::string& error);
  Status CompleteBatch(int64_t batch_id);
  // Parks a batch the smarthost refused the message of: it keeps
  // `recipients` and `error`, and is never due until released (schema
  // step 8; the post is held for its owners meanwhile).
  Status ParkBatch(int64_t batch_id, const std::vector<std::string>& recipients,
                   const std::string& error);
  // Makes every parked batch of post `post_id` due at `now`, as if queued
  // then (the give-up clock starts again); returns how many recipients
  // they hold.
  Result<int64_t> ReleaseParked(int64_t post_id, int64_t now);
  // Deletes every parked batch of post `post_id`; returns how many
  // recipients they held.
  Result<int64_t> DropParked(int64_t post_id);

 private:
  Result<int64_t> ParkedRecipients(int64_t post_id);
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_SPOOL_REPOSITORY_H_
