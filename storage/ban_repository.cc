// Bans over the bans table (see ban_repository.h for the patterns).
//
// Match turns the address into every pattern that could cover it (the
// address itself, "*@domain", and "*@*.parent" for each parent of the
// domain) and looks each up by equality with lower(pattern) (SQLite's
// lower() folds ASCII only, as base::LowerAscii does) through the unique
// index: a post costs a few index lookups, not a scan of the bans. No
// LIKE, so a '%' or '_' in a stored pattern means only itself.
#include "storage/ban_repository.h"

#include <vector>

#include "base/ascii.h"
#include "storage/scopes.h"

namespace storage {
namespace {

std::string Scope(std::optional<int64_t> list_id) {
  return list_id ? "on list " + std::to_string(*list_id) : std::string("site-wide");
}

// Reads a row of "SELECT id, list_id, pattern, reason, created_at".
BanRecord ReadBan(const Statement& row) {
  BanRecord ban;
  ban.id = row.ColumnInt(0);
  if (!row.ColumnIsNull(1)) ban.list_id = row.ColumnInt(1);
  ban.pattern = row.ColumnText(2);
  ban.reason = row.ColumnText(3);
  ban.created_at = row.ColumnInt(4);
  return ban;
}

// The domain of a glob, checked by parsing an address at it.
Result<std::string> GlobDomain(std::string_view text, std::string_view domain) {
  auto probe = base::EmailAddress::Parse("x@" + std::string(domain));
  if (!probe) {
    return base::Invalid("ban pattern '" + std::string(text) + "': not a domain '" +
                         std::string(domain) + "'");
  }
  if (probe->domain.find('.') == std::string::npos) {
    return base::Invalid("ban pattern '" + std::string(text) +
                         "': a domain glob needs a domain of two labels or more");
  }
  return probe->domain;
}

}  // namespace

Result<std::string> NormalizeBanPattern(std::string_view text) {
  const size_t at = text.rfind('@');
  if (at == std::string_view::npos) {
    return base::Invalid("ban pattern '" + std::string(text) +
                         "': not an address or a domain glob (*@example.org)");
  }
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local == "*") {
    if (domain.starts_with("*.")) {
      auto parent = GlobDomain(text, domain.substr(2));
      if (!parent) return parent.failure();
      return "*@*." + *parent;
    }
    auto whole = GlobDomain(text, domain);
    if (!whole) return whole.failure();
    return "*@" + *whole;
  }
  if (text.find('*') != std::string_view::npos) {
    return base::Invalid("ban pattern '" + std::string(text) +
                         "': '*' only as the whole local part (*@example.org) or as the first "
                         "label of the domain (*@*.example.org)");
  }
  auto address = base::EmailAddress::Parse(text);
  if (!address) return base::Invalid("ban pattern '" + std::string(text) + "': " + address.error());
  if (!address->display_name.empty() || text.find('<') != std::string_view::npos) {
    return base::Invalid("ban pattern '" + std::string(text) + "': a bare address, no name");
  }
  return address->ToString();
}

Result<int64_t> BanRepository::Add(std::optional<int64_t> list_id, const std::string& pattern,
                                   const std::string& reason, int64_t now) {
  const std::string what = "banning " + pattern + " " + Scope(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO bans (list_id, pattern, reason, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT DO NOTHING");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran = (*insert)->Bind(1, list_id).Bind(2, pattern).Bind(3, reason).Bind(4, now).Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0) return base::Conflict(pattern + " is already banned " + Scope(list_id));
  const int64_t id = db_.LastInsertId();
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return id;
}

Result<bool> BanRepository::Remove(std::optional<int64_t> list_id, const std::string& pattern) {
  const std::string what = "lifting the ban of " + pattern + " " + Scope(list_id);
  bool removed = false;
  Status done = RunInWriteScope(
      db_, what,
      "DELETE FROM bans WHERE ifnull(list_id, 0) = ifnull(?1, 0) AND lower(pattern) = lower(?2)",
      [&](Statement& s) { s.Bind(1, list_id).Bind(2, pattern); },
      [&]() -> Status {
        removed = db_.Changes() > 0;
        return base::Ok();
      });
  if (!done) return done.failure();
  return removed;
}

Result<std::vector<BanRecord>> BanRepository::List(std::optional<int64_t> list_id) {
  const std::string what = "listing the bans " + Scope(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, pattern, reason, created_at FROM bans "
      "WHERE ifnull(list_id, 0) = ifnull(?1, 0) ORDER BY id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  std::vector<BanRecord> bans;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    bans.push_back(ReadBan(statement));
  }
  return bans;
}

Result<std::optional<BanRecord>> BanRepository::Match(int64_t list_id,
                                                      const base::EmailAddress& address) {
  const std::string domain = base::LowerAscii(address.domain);
  const std::string what = "looking up bans of " + address.local_part + "@" + domain + " on list " +
                           std::to_string(list_id);
  // Every pattern that could cover the address, each looked up through
  // the unique index (its expressions, ifnull(list_id, 0) and
  // lower(pattern), are the index's): a few lookups whatever the number
  // of bans.
  std::vector<std::string> candidates = {base::LowerAscii(address.local_part) + "@" + domain,
                                         "*@" + domain};
  for (size_t dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1)) {
    candidates.push_back("*@*" + domain.substr(dot));  // "*@*.spam.example" for x.spam.example
  }
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, pattern, reason, created_at FROM bans "
      "WHERE ifnull(list_id, 0) IN (?1, 0) AND lower(pattern) = ?2 "
      "ORDER BY list_id IS NULL LIMIT 1");
  if (!query) return query.failure().Prefixed(what);
  std::optional<BanRecord> found;
  for (const std::string& candidate : candidates) {
    Statement& statement = (*query)->Bind(1, list_id).Bind(2, candidate);
    ResetOnExit reset(statement);
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) continue;
    BanRecord ban = ReadBan(statement);
    if (ban.list_id) return std::optional<BanRecord>(std::move(ban));  // the list's own first
    if (!found) found = std::move(ban);
  }
  return found;
}

}  // namespace storage
