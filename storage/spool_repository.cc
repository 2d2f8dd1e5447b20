// The spool and the delivery queue over the spool and delivery_batches
// tables (storage/schema.cc, step 2).
//
// A batch's recipients are one TEXT column, one address per line: the
// queue only ever reads and rewrites a batch whole, and an address cannot
// hold a line break (RFC 5321 section 4.1.2), which Add and Reschedule
// check so that the split on read gives back exactly what was stored.
#include "storage/spool_repository.h"
#include "storage/scopes.h"

#include <array>
#include <string_view>

namespace storage {

using base::Ok;

namespace {

constexpr std::array<std::string_view, 6> kPostStates = {"received", "processed", "held",
                                                         "rejected", "discarded", "failed"};

std::string PostName(int64_t post_id) { return "post " + std::to_string(post_id); }
std::string BatchName(int64_t batch_id) { return "delivery batch " + std::to_string(batch_id); }

// Joins recipients one per line, refusing what the split could not give
// back: an empty list, an empty address, or one holding a line break.
Result<std::string> JoinRecipients(const std::vector<std::string>& recipients) {
  if (recipients.empty()) return base::Invalid("no recipients");
  std::string joined;
  for (const std::string& recipient : recipients) {
    if (recipient.empty()) return base::Invalid("an empty recipient address");
    if (recipient.find_first_of("\r\n") != std::string::npos) {
      return Error{base::ErrorKind::kInvalid,
                   "recipient address with a line break: '" + recipient + "'"};
    }
    if (!joined.empty()) joined += '\n';
    joined += recipient;
  }
  return joined;
}

std::vector<std::string> SplitRecipients(std::string_view joined) {
  std::vector<std::string> recipients;
  while (!joined.empty()) {
    const size_t end = joined.find('\n');
    recipients.emplace_back(joined.substr(0, end));
    if (end == std::string_view::npos) break;
    joined.remove_prefix(end + 1);
  }
  return recipients;
}

}  // namespace

std::string_view ToString(PostState state) { return kPostStates[static_cast<size_t>(state)]; }

std::optional<PostState> ParsePostState(std::string_view text) {
  for (size_t i = 0; i < kPostStates.size(); ++i) {
    if (text == kPostStates[i]) return static_cast<PostState>(i);
  }
  return std::nullopt;
}

Result<int64_t> SpoolRepository::Add(const SpooledPost& post) {
  const std::string what =
      "spooling a post from <" + post.envelope_from + "> for " + post.recipient;
  const std::string_view state = ToString(post.state);
  // list_id 0 means "no list" (a post for an address that is no list);
  // the column is then NULL, which the foreign key allows.
  const std::optional<int64_t> list_id =
      post.list_id == 0 ? std::nullopt : std::optional<int64_t>(post.list_id);
  return InsertOne(db_, what,
                   "INSERT INTO spool (list_id, envelope_from, recipient, message, state, reason, "
                   "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                   [&](Statement& s) {
                     s.Bind(1, list_id)
                         .Bind(2, post.envelope_from)
                         .Bind(3, post.recipient)
                         .BindBlob(4, post.message)
                         .Bind(5, state)
                         .Bind(6, post.reason)
                         .Bind(7, post.received_at);
                   });
}

Result<std::optional<SpooledPost>> SpoolRepository::Find(int64_t post_id) {
  const std::string what = "reading " + PostName(post_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, envelope_from, recipient, message, state, reason, received_at "
      "FROM spool WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, post_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<SpooledPost>();
  SpooledPost post;
  post.id = statement.ColumnInt(0);
  post.list_id = statement.ColumnOptionalInt(1).value_or(0);
  post.envelope_from = statement.ColumnText(2);
  post.recipient = statement.ColumnText(3);
  post.message = statement.ColumnBlob(4);
  // The schema's CHECK admits only the spellings ParsePostState knows.
  post.state = ParsePostState(statement.ColumnText(5)).value_or(PostState::kFailed);
  post.reason = statement.ColumnText(6);
  post.received_at = statement.ColumnInt(7);
  return std::optional<SpooledPost>(std::move(post));
}

Status SpoolRepository::SetState(int64_t post_id, PostState state, const std::string& reason) {
  const std::string what = "setting " + PostName(post_id) + " to " + std::string(ToString(state));
  return WriteOne(
      db_, what, "UPDATE spool SET state = ?2, reason = ?3 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, post_id).Bind(2, ToString(state)).Bind(3, reason); },
      PostName(post_id) + " does not exist");
}

Status SpoolRepository::ReplaceMessage(int64_t post_id, const std::string& message) {
  return WriteOne(
      db_, "replacing the message of " + PostName(post_id),
      "UPDATE spool SET message = ?2 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, post_id).BindBlob(2, message); },
      PostName(post_id) + " does not exist");
}

Result<std::vector<int64_t>> SpoolRepository::Pending(int64_t shard, int64_t shards) {
  const std::string what = "listing the pending posts";
  if (shards < 1 || shard < 0 || shard >= shards) {
    return base::Invalid(what + ": shard " + std::to_string(shard) + " of " +
                         std::to_string(shards));
  }
  Result<Statement*> query = db_.Prepare(
      "SELECT id FROM spool WHERE state = 'received' AND coalesce(list_id, 0) % ?2 = ?1 "
      "ORDER BY id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, shard).Bind(2, shards);
  ResetOnExit reset(statement);
  std::vector<int64_t> ids;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    ids.push_back(statement.ColumnInt(0));
  }
  return ids;
}

Result<int64_t> SpoolRepository::AddBatch(const DeliveryBatch& batch) {
  const std::string what = "queueing a delivery batch for " + PostName(batch.post_id);
  Result<std::string> recipients = JoinRecipients(batch.recipients);
  if (!recipients) return recipients.failure().Prefixed(what);
  return InsertOne(
      db_, what,
      "INSERT INTO delivery_batches (post_id, message, envelope_from, recipients, attempts, "
      "next_attempt_at, last_error, queued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      [&](Statement& s) {
        s.Bind(1, batch.post_id)
            .BindBlob(2, batch.message)
            .Bind(3, batch.envelope_from)
            .Bind(4, *recipients)
            .Bind(5, static_cast<int64_t>(batch.attempts))
            .Bind(6, batch.next_attempt_at)
            .Bind(7, batch.last_error)
            .Bind(8, batch.queued_at != 0 ? batch.queued_at : batch.next_attempt_at);
      });
}

Result<std::vector<DeliveryBatch>> SpoolRepository::DueBatches(int64_t now, int limit) {
  const std::string what = "listing the delivery batches due";
  // The batches_due index (next_attempt_at, id) answers this in order.
  Result<Statement*> query = db_.Prepare(
      "SELECT id, post_id, message, envelope_from, recipients, attempts, next_attempt_at, "
      "last_error, queued_at FROM delivery_batches "
      "WHERE next_attempt_at <= ?1 AND leased_until <= ?1 AND parked = 0 "
      "ORDER BY next_attempt_at, id LIMIT ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement =
      (*query)->Bind(1, now).Bind(2, static_cast<int64_t>(limit < 0 ? 0 : limit));
  ResetOnExit reset(statement);
  std::vector<DeliveryBatch> batches;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    DeliveryBatch batch;
    batch.id = statement.ColumnInt(0);
    batch.post_id = statement.ColumnInt(1);
    batch.message = statement.ColumnBlob(2);
    batch.envelope_from = statement.ColumnText(3);
    batch.recipients = SplitRecipients(statement.ColumnText(4));
    batch.attempts = static_cast<int>(statement.ColumnInt(5));
    batch.next_attempt_at = statement.ColumnInt(6);
    batch.last_error = statement.ColumnText(7);
    batch.queued_at = statement.ColumnInt(8);
    batches.push_back(std::move(batch));
  }
  return batches;
}

Result<std::vector<DeliveryBatch>> SpoolRepository::ClaimDueBatches(int64_t now, int limit,
                                                                    int64_t lease_until) {
  const std::string what = "claiming the delivery batches due";
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<std::vector<DeliveryBatch>> due = DueBatches(now, limit);
  if (!due) return due;
  for (DeliveryBatch& batch : *due) {
    Result<Statement*> lease =
        db_.Prepare("UPDATE delivery_batches SET leased_until = ?2 WHERE id = ?1");
    if (!lease) return lease.failure().Prefixed(what);
    Status ran = (*lease)->Bind(1, batch.id).Bind(2, lease_until).Run();
    if (!ran) return ran.failure().Prefixed(what);
  }
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return due;
}

Status SpoolRepository::Reschedule(int64_t batch_id, const std::vector<std::string>& remaining,
                                   int64_t retry_at, const std::string& error) {
  const std::string what = "rescheduling " + BatchName(batch_id);
  // Nothing left means the batch is done: the caller completes it rather
  // than keeping an empty batch in the queue.
  Result<std::string> recipients = JoinRecipients(remaining);
  if (!recipients) return recipients.failure().Prefixed(what);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> update = db_.Prepare(
      "UPDATE delivery_batches SET recipients = ?2, attempts = attempts + 1, "
      "next_attempt_at = ?3, last_error = ?4, leased_until = 0 WHERE id = ?1");
  if (!update) return update.failure().Prefixed(what);
  Status ran =
      (*update)->Bind(1, batch_id).Bind(2, *recipients).Bind(3, retry_at).Bind(4, error).Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0) return base::NotFound(BatchName(batch_id) + " does not exist");
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Result<int64_t> SpoolRepository::ReleaseLeases() {
  const std::string what = "releasing the delivery leases";
  Status ran = RunInWriteScope(
      db_, what, "UPDATE delivery_batches SET leased_until = 0 WHERE leased_until <> 0",
      [](Statement&) {});
  if (!ran) return ran.failure();
  return static_cast<int64_t>(db_.Changes());
}

Status SpoolRepository::CompleteBatch(int64_t batch_id) {
  const std::string what = "completing " + BatchName(batch_id);
  return WriteOne(
      db_, what, "DELETE FROM delivery_batches WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, batch_id); }, BatchName(batch_id) + " does not exist");
}

Status SpoolRepository::ParkBatch(int64_t batch_id, const std::vector<std::string>& recipients,
                                  const std::string& error) {
  const std::string what = "parking " + BatchName(batch_id);
  Result<std::string> joined = JoinRecipients(recipients);
  if (!joined) return joined.failure().Prefixed(what);
  // next_attempt_at far ahead too: the batches_due index never meets it.
  return WriteOne(
      db_, what,
      "UPDATE delivery_batches SET recipients = ?2, parked = 1, attempts = attempts + 1, "
      "next_attempt_at = ?3, last_error = ?4, leased_until = 0 WHERE id = ?1",
      [&](Statement& s) {
        s.Bind(1, batch_id).Bind(2, *joined).Bind(3, kParkedUntil).Bind(4, error);
      },
      BatchName(batch_id) + " does not exist");
}

// The recipients of post `post_id`'s parked batches.
Result<int64_t> SpoolRepository::ParkedRecipients(int64_t post_id) {
  const std::string what = "counting the parked recipients of " + PostName(post_id);
  Result<Statement*> query =
      db_.Prepare("SELECT recipients FROM delivery_batches WHERE post_id = ?1 AND parked = 1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, post_id);
  ResetOnExit reset(statement);
  int64_t count = 0;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return count;
    count += static_cast<int64_t>(SplitRecipients(statement.ColumnText(0)).size());
  }
}

Result<int64_t> SpoolRepository::ReleaseParked(int64_t post_id, int64_t now) {
  const std::string what = "releasing the parked batches of " + PostName(post_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<int64_t> count = ParkedRecipients(post_id);
  if (!count) return count;
  Status released =
      WriteOne(db_, what,
               "UPDATE delivery_batches SET parked = 0, attempts = 0, next_attempt_at = ?2, "
               "queued_at = ?2 WHERE post_id = ?1 AND parked = 1",
               [&](Statement& s) { s.Bind(1, post_id).Bind(2, now); });
  if (!released) return released.failure();
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return count;
}

Result<int64_t> SpoolRepository::DropParked(int64_t post_id) {
  const std::string what = "dropping the parked batches of " + PostName(post_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<int64_t> count = ParkedRecipients(post_id);
  if (!count) return count;
  Status dropped =
      WriteOne(db_, what, "DELETE FROM delivery_batches WHERE post_id = ?1 AND parked = 1",
               [&](Statement& s) { s.Bind(1, post_id); });
  if (!dropped) return dropped.failure();
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return count;
}

}  // namespace storage
