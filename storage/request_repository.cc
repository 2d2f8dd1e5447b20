// Subscription requests over the requests table (storage/schema.cc, step 6).
#include "storage/request_repository.h"

#include "base/ascii.h"
#include "storage/scopes.h"

namespace storage {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, list_id, local_part, domain, display_name, action, state, via, created_at, "
    "expires_at FROM requests ";

RequestRecord ReadRequest(const Statement& row) {
  RequestRecord request;
  request.id = row.ColumnInt(0);
  request.list_id = row.ColumnInt(1);
  request.address.local_part = row.ColumnText(2);
  request.address.domain = row.ColumnText(3);
  request.address.display_name = row.ColumnText(4);
  request.action = row.ColumnText(5) == "leave" ? RequestAction::kLeave : RequestAction::kJoin;
  request.state =
      row.ColumnText(6) == "moderating" ? RequestState::kModerating : RequestState::kConfirming;
  request.via = row.ColumnText(7);
  request.created_at = row.ColumnInt(8);
  request.expires_at = row.ColumnInt(9);
  return request;
}

std::string RequestName(int64_t request_id) { return "request " + std::to_string(request_id); }

}  // namespace

std::string_view ToString(RequestAction action) {
  return action == RequestAction::kLeave ? "leave" : "join";
}

std::string_view ToString(RequestState state) {
  return state == RequestState::kModerating ? "moderating" : "confirming";
}

Result<int64_t> RequestRepository::Add(const RequestRecord& request) {
  const std::string what = "recording a " + std::string(ToString(request.action)) +
                           " request for " + request.address.local_part + "@" +
                           request.address.domain;
  return InsertOne(db_, what,
                   "INSERT INTO requests (list_id, local_part, domain, display_name, action, "
                   "state, via, created_at, expires_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                   [&](Statement& s) {
                     s.Bind(1, request.list_id)
                         .Bind(2, request.address.local_part)
                         .Bind(3, base::LowerAscii(request.address.domain))
                         .Bind(4, request.address.display_name)
                         .Bind(5, ToString(request.action))
                         .Bind(6, ToString(request.state))
                         .Bind(7, request.via)
                         .Bind(8, request.created_at)
                         .Bind(9, request.expires_at);
                   });
}

Result<std::optional<RequestRecord>> RequestRepository::Find(int64_t request_id) {
  const std::string what = "reading " + RequestName(request_id);
  Result<Statement*> query = db_.Prepare(std::string(kColumns) + "WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, request_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(ReadRequest(statement));
}

Result<std::optional<RequestRecord>> RequestRepository::FindFor(int64_t list_id,
                                                                const base::EmailAddress& address,
                                                                RequestAction action) {
  const std::string what = "looking up the " + std::string(ToString(action)) + " request of " +
                           address.local_part + "@" + address.domain;
  // lower() folds ASCII only, as base::LowerAscii does; the unique index is
  // on the same expression, so this is an index lookup.
  Result<Statement*> query =
      db_.Prepare(std::string(kColumns) +
                  "WHERE list_id = ?1 AND domain = ?2 AND lower(local_part) = lower(?3) "
                  "AND action = ?4");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)
                             ->Bind(1, list_id)
                             .Bind(2, base::LowerAscii(address.domain))
                             .Bind(3, address.local_part)
                             .Bind(4, ToString(action));
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(ReadRequest(statement));
}

Result<std::vector<RequestRecord>> RequestRepository::ForList(int64_t list_id, RequestState state) {
  const std::string what = "listing the requests of list " + std::to_string(list_id);
  Result<Statement*> query =
      db_.Prepare(std::string(kColumns) + "WHERE list_id = ?1 AND state = ?2 ORDER BY id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id).Bind(2, ToString(state));
  ResetOnExit reset(statement);
  std::vector<RequestRecord> requests;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    requests.push_back(ReadRequest(statement));
  }
  return requests;
}

Status RequestRepository::SetState(int64_t request_id, RequestState state, int64_t expires_at) {
  return WriteOne(
      db_, "moving " + RequestName(request_id) + " on",
      "UPDATE requests SET state = ?2, expires_at = ?3 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, request_id).Bind(2, ToString(state)).Bind(3, expires_at); },
      RequestName(request_id) + " does not exist");
}

Status RequestRepository::Renew(int64_t request_id, int64_t expires_at) {
  return WriteOne(
      db_, "renewing " + RequestName(request_id),
      "UPDATE requests SET expires_at = ?2 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, request_id).Bind(2, expires_at); },
      RequestName(request_id) + " does not exist");
}

Status RequestRepository::Remove(int64_t request_id) {
  return WriteOne(
      db_, "removing " + RequestName(request_id), "DELETE FROM requests WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, request_id); }, RequestName(request_id) + " does not exist");
}

}  // namespace storage
