// Members over the members table (storage/schema.cc, steps 1, 4 and 5).
//
// An address is one member whatever the case of its local part (step 4's
// unique index on lower(local_part)): Add of "Alice@" beside "alice@" adds
// nothing, Find and Remove match either; the local part is kept as first
// given.
//
// "Address order" is domain, then local part: the order of the table's
// UNIQUE (list_id, domain, local_part) index, so ForEach walks the index
// with one cursor and SQLite never sorts (nor buffers) a big list, and the
// delivery stage gets recipients grouped by domain for free.
//
// The optional filters are bound as NULL when absent ("?2 IS NULL OR role =
// ?2"), so each query is one statement prepared once, whatever the filter.
//
// ForEach holds its cursor while it calls back: the callback may use other
// repositories and the other member methods, but not ForEach itself on the
// same Database before returning: the nested call would rewind the shared
// cached statement under the outer loop.
#include "storage/member_repository.h"
#include "base/ascii.h"
#include "storage/scopes.h"

#include <string>

namespace storage {

using base::Ok;

namespace {

std::string Describe(const base::EmailAddress& address) {
  return address.local_part + "@" + base::LowerAscii(address.domain);
}

std::string OnList(int64_t list_id) { return " on list " + std::to_string(list_id); }

}  // namespace

MemberRecord ReadMemberColumns(const Statement& row) {
  MemberRecord member;
  member.id = row.ColumnInt(0);
  member.list_id = row.ColumnInt(1);
  member.address.local_part = row.ColumnText(2);
  member.address.domain = row.ColumnText(3);
  member.address.display_name = row.ColumnText(4);
  // The schema's CHECK constraints admit only the spellings parsed here.
  member.role = ParseMemberRole(row.ColumnText(5)).value_or(MemberRole::kMember);
  member.delivery = ParseDelivery(row.ColumnText(6)).value_or(Delivery::kEnabled);
  member.bounce_score = row.ColumnDouble(7);
  member.subscribed_at = row.ColumnInt(8);
  member.moderated = row.ColumnInt(9) != 0;
  return member;
}

namespace {

void BindFilter(Statement& statement, const MemberFilter& filter) {
  if (filter.role) {
    statement.Bind(2, ToString(*filter.role));
  } else {
    statement.BindNull(2);
  }
  if (filter.delivery) {
    statement.Bind(3, ToString(*filter.delivery));
  } else {
    statement.BindNull(3);
  }
}

// Runs an UPDATE of one member by id; a missing member is an error.
template <typename Value>
Status UpdateOne(Database& db, std::string_view sql, int64_t member_id, const Value& value,
                 const std::string& what) {
  return WriteOne(
      db, what, sql, [&](Statement& s) { s.Bind(1, member_id).Bind(2, value); },
      "member " + std::to_string(member_id) + " does not exist");
}

}  // namespace

std::string_view ToString(MemberRole role) {
  switch (role) {
    case MemberRole::kMember:
      return "member";
    case MemberRole::kModerator:
      return "moderator";
    case MemberRole::kOwner:
      return "owner";
  }
  return "member";
}

std::optional<MemberRole> ParseMemberRole(std::string_view text) {
  if (text == "member") return MemberRole::kMember;
  if (text == "moderator") return MemberRole::kModerator;
  if (text == "owner") return MemberRole::kOwner;
  return std::nullopt;
}

std::string_view ToString(Delivery delivery) {
  switch (delivery) {
    case Delivery::kEnabled:
      return "enabled";
    case Delivery::kDisabledByBounce:
      return "disabled-by-bounce";
    case Delivery::kDisabledByUser:
      return "disabled-by-user";
  }
  return "enabled";
}

std::optional<Delivery> ParseDelivery(std::string_view text) {
  if (text == "enabled") return Delivery::kEnabled;
  if (text == "disabled-by-bounce") return Delivery::kDisabledByBounce;
  if (text == "disabled-by-user") return Delivery::kDisabledByUser;
  return std::nullopt;
}

Result<bool> MemberRepository::Add(int64_t list_id, const base::EmailAddress& address,
                                   MemberRole role, int64_t now) {
  const std::string what = "adding " + Describe(address) + OnList(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  // A duplicate changes no row; any other failure (no such list: the
  // foreign key) is an error.
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO members (list_id, local_part, domain, display_name, role, subscribed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran = (*insert)
                   ->Bind(1, list_id)
                   .Bind(2, address.local_part)
                   .Bind(3, base::LowerAscii(address.domain))
                   .Bind(4, address.display_name)
                   .Bind(5, ToString(role))
                   .Bind(6, now)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  const bool added = db_.Changes() > 0;
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return added;
}

Result<bool> MemberRepository::Remove(int64_t list_id, const base::EmailAddress& address) {
  const std::string what = "removing " + Describe(address) + OnList(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> remove = db_.Prepare(
      "DELETE FROM members WHERE list_id = ?1 AND domain = ?2 "
      "AND lower(local_part) = lower(?3)");
  if (!remove) return remove.failure().Prefixed(what);
  Status ran = (*remove)
                   ->Bind(1, list_id)
                   .Bind(2, base::LowerAscii(address.domain))
                   .Bind(3, address.local_part)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  const bool removed = db_.Changes() > 0;
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return removed;
}

Result<std::optional<MemberRecord>> MemberRepository::Find(int64_t list_id,
                                                           const base::EmailAddress& address) {
  const std::string what = "finding " + Describe(address) + OnList(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, local_part, domain, display_name, role, delivery, "
      "bounce_score, subscribed_at, moderated FROM members "
      "WHERE list_id = ?1 AND domain = ?2 AND lower(local_part) = lower(?3)");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)
                             ->Bind(1, list_id)
                             .Bind(2, base::LowerAscii(address.domain))
                             .Bind(3, address.local_part);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<MemberRecord>();
  return std::optional<MemberRecord>(ReadMemberColumns(statement));
}

Result<std::optional<MemberRecord>> MemberRepository::FindById(int64_t member_id) {
  const std::string what = "finding member " + std::to_string(member_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, local_part, domain, display_name, role, delivery, "
      "bounce_score, subscribed_at, moderated FROM members WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, member_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<MemberRecord>();
  return std::optional<MemberRecord>(ReadMemberColumns(statement));
}

Status MemberRepository::SetRole(int64_t member_id, MemberRole role) {
  return UpdateOne(db_, "UPDATE members SET role = ?2 WHERE id = ?1", member_id, ToString(role),
                   "setting the role of member " + std::to_string(member_id));
}

Status MemberRepository::SetDelivery(int64_t member_id, Delivery delivery) {
  return UpdateOne(db_, "UPDATE members SET delivery = ?2 WHERE id = ?1", member_id,
                   ToString(delivery),
                   "setting the delivery of member " + std::to_string(member_id));
}

Status MemberRepository::SetBounceScore(int64_t member_id, double score) {
  return UpdateOne(db_, "UPDATE members SET bounce_score = ?2 WHERE id = ?1", member_id, score,
                   "setting the bounce score of member " + std::to_string(member_id));
}

Status MemberRepository::SetModerated(int64_t member_id, bool moderated) {
  return UpdateOne(db_, "UPDATE members SET moderated = ?2 WHERE id = ?1", member_id,
                   int64_t{moderated ? 1 : 0},
                   "setting whether member " + std::to_string(member_id) + " is moderated");
}

Status MemberRepository::ForEach(int64_t list_id, const MemberFilter& filter,
                                 const std::function<bool(const MemberRecord&)>& each) {
  const std::string what = "listing the members" + OnList(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, local_part, domain, display_name, role, delivery, "
      "bounce_score, subscribed_at, moderated FROM members WHERE list_id = ?1 "
      "AND (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR delivery = ?3) "
      "ORDER BY domain, local_part");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  BindFilter(statement, filter);
  // Rewinds on early stop, error or exception alike.
  ResetOnExit reset(statement);
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    if (!each(ReadMemberColumns(statement))) break;
  }
  return Ok();
}

Result<int64_t> MemberRepository::Count(int64_t list_id, const MemberFilter& filter) {
  const std::string what = "counting the members" + OnList(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT count(*) FROM members WHERE list_id = ?1 "
      "AND (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR delivery = ?3)");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  BindFilter(statement, filter);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  return *row ? statement.ColumnInt(0) : 0;
}

Result<std::vector<PrivilegedRole>> MemberRepository::PrivilegedRoles(
    const base::EmailAddress& address) {
  const std::string what = "finding the lists " + Describe(address) + " owns or moderates";
  // The WHERE repeats the partial index's own condition, so SQLite may
  // use it.
  Result<Statement*> query = db_.Prepare(
      "SELECT m.list_id, l.local_part, l.domain, m.role FROM members m "
      "JOIN lists l ON l.id = m.list_id "
      "WHERE m.domain = ?1 AND lower(m.local_part) = lower(?2) "
      "AND m.role IN ('owner', 'moderator') ORDER BY m.list_id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement =
      (*query)->Bind(1, base::LowerAscii(address.domain)).Bind(2, address.local_part);
  ResetOnExit reset(statement);
  std::vector<PrivilegedRole> roles;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    PrivilegedRole role;
    role.list_id = statement.ColumnInt(0);
    role.list_address = statement.ColumnText(1) + "@" + statement.ColumnText(2);
    role.role = ParseMemberRole(statement.ColumnText(3)).value_or(MemberRole::kModerator);
    roles.push_back(std::move(role));
  }
  return roles;
}

namespace {

// `text` as a LIKE pattern that matches it anywhere, its own '%', '_' and
// backslash taken literally (ESCAPE with a backslash).
std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

// The WHERE clause of a search, from fixed fragments: only the filters
// given appear, so SQLite can pick the index that serves them (a
// "?2 IS NULL OR role = ?2" clause would hide it). Values are bound.
std::string SearchClause(const MemberSearch& search) {
  std::string where = " FROM members WHERE list_id = ?1";
  if (search.filter.role) where += " AND role = ?2";
  if (search.filter.delivery) where += " AND delivery = ?3";
  // Without an '@' the substring lies in one part or the other, which is
  // cheaper to test than the joined address.
  if (search.contains.find('@') != std::string::npos) {
    where += " AND (local_part || '@' || domain) LIKE ?4 ESCAPE '\\'";
  } else if (!search.contains.empty()) {
    where += " AND (local_part LIKE ?4 ESCAPE '\\' OR domain LIKE ?4 ESCAPE '\\')";
  }
  return where;
}

void BindSearch(Statement& statement, int64_t list_id, const MemberSearch& search) {
  statement.Bind(1, list_id);
  if (search.filter.role) statement.Bind(2, ToString(*search.filter.role));
  if (search.filter.delivery) statement.Bind(3, ToString(*search.filter.delivery));
  if (!search.contains.empty()) statement.Bind(4, ContainsPattern(search.contains));
}

}  // namespace

Result<std::vector<MemberRecord>> MemberRepository::Page(int64_t list_id,
                                                         const MemberSearch& search, int64_t start,
                                                         int64_t count) {
  const std::string what = "reading a page of the members" + OnList(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, local_part, domain, display_name, role, delivery, "
      "bounce_score, subscribed_at, moderated" +
      SearchClause(search) + " ORDER BY domain, local_part LIMIT ?5 OFFSET ?6");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  BindSearch(statement, list_id, search);
  statement.Bind(5, count).Bind(6, start);
  ResetOnExit reset(statement);
  std::vector<MemberRecord> page;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    page.push_back(ReadMemberColumns(statement));
  }
  return page;
}

Result<int64_t> MemberRepository::CountMatching(int64_t list_id, const MemberSearch& search) {
  const std::string what = "counting the members" + OnList(list_id);
  Result<Statement*> query = db_.Prepare("SELECT count(*)" + SearchClause(search));
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  BindSearch(statement, list_id, search);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  return *row ? statement.ColumnInt(0) : 0;
}

}  // namespace storage
