// Bounce state over bounce_info and unrecognized_bounces (storage/schema.cc,
// step 7; see bounce_repository.h).
#include "storage/bounce_repository.h"

#include "storage/scopes.h"

namespace storage {
namespace {

constexpr std::string_view kInfoColumns =
    "b.member_id, b.last_failure_at, b.last_failure, b.probe, b.probe_sent_at, b.disabled_at, "
    "b.owners_told, b.warnings_sent, b.last_warning_at";

std::optional<ProbeState> ParseProbeState(std::string_view text) {
  if (text == "none") return ProbeState::kNone;
  if (text == "due") return ProbeState::kDue;
  if (text == "sent") return ProbeState::kSent;
  return std::nullopt;
}

// Reads kInfoColumns starting at column `first`; a NULL member_id (a left
// join that found no row) reads the defaults for `member_id`.
BounceInfo ReadInfo(const Statement& row, int first, int64_t member_id) {
  BounceInfo info;
  info.member_id = member_id;
  if (row.ColumnIsNull(first)) return info;
  info.last_failure_at = row.ColumnInt(first + 1);
  info.last_failure = row.ColumnText(first + 2);
  // The schema's CHECK admits only the spellings parsed here.
  info.probe = ParseProbeState(row.ColumnText(first + 3)).value_or(ProbeState::kNone);
  info.probe_sent_at = row.ColumnInt(first + 4);
  info.disabled_at = row.ColumnInt(first + 5);
  info.owners_told = row.ColumnInt(first + 6) != 0;
  info.warnings_sent = row.ColumnInt(first + 7);
  info.last_warning_at = row.ColumnInt(first + 8);
  return info;
}

constexpr int64_t kDigestedKeptFor = 30 * 86400;

constexpr int kInfoFirst = 10;  // kMemberColumns are columns 0 to 9

MemberBounce ReadMemberBounce(const Statement& row) {
  MemberBounce found;
  found.member = ReadMemberColumns(row);
  found.info = ReadInfo(row, kInfoFirst, found.member.id);
  return found;
}

std::string OfMember(int64_t member_id) { return " of member " + std::to_string(member_id); }

}  // namespace

std::string_view ToString(ProbeState state) {
  switch (state) {
    case ProbeState::kNone:
      return "none";
    case ProbeState::kDue:
      return "due";
    case ProbeState::kSent:
      return "sent";
  }
  return "none";
}

Result<BounceInfo> BounceRepository::Get(int64_t member_id) {
  const std::string what = "reading the bounce state" + OfMember(member_id);
  Result<Statement*> query = db_.Prepare("SELECT " + std::string(kInfoColumns) +
                                         " FROM bounce_info b WHERE b.member_id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, member_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  BounceInfo info;
  info.member_id = member_id;
  if (*row) info = ReadInfo(statement, 0, member_id);
  return info;
}

Status BounceRepository::Put(const BounceInfo& info) {
  return RunInWriteScope(
      db_, "writing the bounce state" + OfMember(info.member_id),
      "INSERT INTO bounce_info (member_id, last_failure_at, last_failure, probe, probe_sent_at, "
      "disabled_at, owners_told, warnings_sent, last_warning_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (member_id) DO UPDATE SET last_failure_at = ?2, last_failure = ?3, "
      "probe = ?4, probe_sent_at = ?5, disabled_at = ?6, owners_told = ?7, warnings_sent = ?8, "
      "last_warning_at = ?9",
      [&](Statement& s) {
        s.Bind(1, info.member_id)
            .Bind(2, info.last_failure_at)
            .Bind(3, info.last_failure)
            .Bind(4, ToString(info.probe))
            .Bind(5, info.probe_sent_at)
            .Bind(6, info.disabled_at)
            .Bind(7, int64_t{info.owners_told ? 1 : 0})
            .Bind(8, info.warnings_sent)
            .Bind(9, info.last_warning_at);
      });
}

Status BounceRepository::Clear(int64_t member_id) {
  return WriteOne(db_, "clearing the bounce state" + OfMember(member_id),
                  "DELETE FROM bounce_info WHERE member_id = ?1",
                  [&](Statement& s) { s.Bind(1, member_id); });
}

Status BounceRepository::ForEachTracked(int64_t list_id,
                                        const std::function<bool(const MemberBounce&)>& each) {
  const std::string what = "walking the bounce state of list " + std::to_string(list_id);
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kMemberColumns) + ", " + std::string(kInfoColumns) +
                  " FROM bounce_info b JOIN members m ON m.id = b.member_id "
                  "WHERE m.list_id = ?1 ORDER BY b.member_id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return base::Ok();
    if (!each(ReadMemberBounce(statement))) return base::Ok();
  }
}

Result<std::vector<MemberBounce>> BounceRepository::Listed(int64_t list_id) {
  const std::string what = "listing the bounce state of list " + std::to_string(list_id);
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kMemberColumns) + ", " + std::string(kInfoColumns) +
                  " FROM members m LEFT JOIN bounce_info b ON b.member_id = m.id "
                  "WHERE m.list_id = ?1 AND (b.member_id IS NOT NULL OR m.bounce_score > 0 "
                  "OR m.delivery = 'disabled-by-bounce') ORDER BY m.domain, m.local_part");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  std::vector<MemberBounce> listed;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return listed;
    listed.push_back(ReadMemberBounce(statement));
  }
}

Result<int64_t> BounceRepository::AddUnrecognized(int64_t list_id, int64_t post_id,
                                                  const std::string& summary, int64_t now) {
  return InsertOne(
      db_, "keeping an unrecognised bounce for list " + std::to_string(list_id),
      "INSERT INTO unrecognized_bounces (list_id, post_id, received_at, summary) "
      "VALUES (?1, ?2, ?3, ?4)",
      [&](Statement& s) { s.Bind(1, list_id).Bind(2, post_id).Bind(3, now).Bind(4, summary); });
}

Result<std::vector<UnrecognizedBounce>> BounceRepository::Undigested(int64_t list_id,
                                                                     int64_t limit) {
  const std::string what = "reading the undigested bounces of list " + std::to_string(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, post_id, received_at, summary FROM unrecognized_bounces "
      "WHERE list_id = ?1 AND digested_at IS NULL ORDER BY id LIMIT ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id).Bind(2, limit);
  ResetOnExit reset(statement);
  std::vector<UnrecognizedBounce> found;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return found;
    UnrecognizedBounce bounce;
    bounce.id = statement.ColumnInt(0);
    bounce.list_id = statement.ColumnInt(1);
    bounce.post_id = statement.ColumnInt(2);
    bounce.received_at = statement.ColumnInt(3);
    bounce.summary = statement.ColumnText(4);
    found.push_back(std::move(bounce));
  }
}

Result<int64_t> BounceRepository::LastDigestAt(int64_t list_id) {
  const std::string what = "reading when list " + std::to_string(list_id) + " last had a digest";
  Result<Statement*> query = db_.Prepare(
      "SELECT ifnull(max(digested_at), 0) FROM unrecognized_bounces WHERE list_id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  return *row ? statement.ColumnInt(0) : int64_t{0};
}

Status BounceRepository::MarkDigested(const std::vector<int64_t>& ids, int64_t now) {
  WriteScope scope(db_);
  const std::string what = "marking bounces digested";
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  for (int64_t id : ids) {
    Status marked =
        WriteOne(db_, what, "UPDATE unrecognized_bounces SET digested_at = ?2 WHERE id = ?1",
                 [&](Statement& s) { s.Bind(1, id).Bind(2, now); });
    if (!marked) return marked;
  }
  // A digested bounce is kept a month (what the owners were sent can be
  // looked up), then forgotten; the newest digest's rows always stay, so
  // LastDigestAt() still reads it.
  Status pruned = WriteOne(db_, what, "DELETE FROM unrecognized_bounces WHERE digested_at < ?1",
                           [&](Statement& s) { s.Bind(1, now - kDigestedKeptFor); });
  if (!pruned) return pruned;
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return base::Ok();
}

Result<std::vector<int64_t>> BounceRepository::ListsWithWork() {
  const std::string what = "finding the lists with bounce work";
  Result<Statement*> query = db_.Prepare(
      "SELECT DISTINCT m.list_id FROM bounce_info b JOIN members m ON m.id = b.member_id "
      "UNION SELECT list_id FROM unrecognized_bounces WHERE digested_at IS NULL "
      "ORDER BY 1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  ResetOnExit reset(statement);
  std::vector<int64_t> lists;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return lists;
    lists.push_back(statement.ColumnInt(0));
  }
}

}  // namespace storage
