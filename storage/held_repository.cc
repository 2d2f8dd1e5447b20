// Held posts over the held table (storage/schema.cc, step 2). A hold
// points at its spooled post; removing the hold leaves the post, whose
// state the caller sets to what the moderator decided.
#include "storage/held_repository.h"
#include "storage/scopes.h"

namespace storage {

using base::Ok;

namespace {

std::string HoldName(int64_t held_id) { return "held post " + std::to_string(held_id); }

constexpr std::string_view kColumns =
    "SELECT id, list_id, post_id, reason, sender, subject, held_at, kind FROM held ";

// Reads a row of kColumns.
HeldPost ReadHeld(const Statement& row) {
  HeldPost held;
  held.id = row.ColumnInt(0);
  held.list_id = row.ColumnInt(1);
  held.post_id = row.ColumnInt(2);
  held.reason = row.ColumnText(3);
  held.sender = row.ColumnText(4);
  held.subject = row.ColumnText(5);
  held.held_at = row.ColumnInt(6);
  // The schema's CHECK admits only these spellings.
  held.kind = row.ColumnText(7) == "refused" ? HoldKind::kRefused : HoldKind::kModeration;
  return held;
}

}  // namespace

std::string_view ToString(HoldKind kind) {
  return kind == HoldKind::kRefused ? "refused" : "moderation";
}

Result<int64_t> HeldRepository::Add(const HeldPost& held) {
  const std::string what =
      "holding post " + std::to_string(held.post_id) + " on list " + std::to_string(held.list_id);
  return InsertOne(db_, what,
                   "INSERT INTO held (list_id, post_id, reason, sender, subject, held_at, kind) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                   [&](Statement& s) {
                     s.Bind(1, held.list_id)
                         .Bind(2, held.post_id)
                         .Bind(3, held.reason)
                         .Bind(4, held.sender)
                         .Bind(5, held.subject)
                         .Bind(6, held.held_at)
                         .Bind(7, ToString(held.kind));
                   });
}

Result<std::vector<HeldPost>> HeldRepository::ForList(int64_t list_id) {
  const std::string what = "listing the held posts of list " + std::to_string(list_id);
  // Oldest first: the order a moderator works through a queue.
  Result<Statement*> query = db_.Prepare(std::string(kColumns) + "WHERE list_id = ?1 ORDER BY id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  std::vector<HeldPost> posts;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    posts.push_back(ReadHeld(statement));
  }
  return posts;
}

Result<std::optional<HeldPost>> HeldRepository::Find(int64_t held_id) {
  const std::string what = "reading " + HoldName(held_id);
  Result<Statement*> query = db_.Prepare(std::string(kColumns) + "WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, held_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<HeldPost>();
  return std::optional<HeldPost>(ReadHeld(statement));
}

Result<std::optional<HeldPost>> HeldRepository::FindForPost(int64_t post_id, HoldKind kind) {
  const std::string what = "finding the hold of post " + std::to_string(post_id);
  Result<Statement*> query =
      db_.Prepare(std::string(kColumns) + "WHERE post_id = ?1 AND kind = ?2 ORDER BY id LIMIT 1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, post_id).Bind(2, ToString(kind));
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<HeldPost>();
  return std::optional<HeldPost>(ReadHeld(statement));
}

Status HeldRepository::Remove(int64_t held_id) {
  const std::string what = "releasing " + HoldName(held_id);
  return WriteOne(
      db_, what, "DELETE FROM held WHERE id = ?1", [&](Statement& s) { s.Bind(1, held_id); },
      HoldName(held_id) + " does not exist");
}

}  // namespace storage
