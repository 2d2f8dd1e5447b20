// ReadStoreFigures (storage/store_figures.h).
#include "storage/store_figures.h"

#include "storage/scopes.h"

namespace storage {
namespace {

// One statement, so every figure comes from the same snapshot: each row is
// (family, label, count). ?1 is `now`, ?2 an hour before it.
constexpr char kFiguresSql[] = R"sql(
SELECT 'lists', '', count(*) FROM lists
UNION ALL SELECT 'members', delivery, count(*) FROM members GROUP BY delivery
UNION ALL SELECT 'posts', state, count(*) FROM spool GROUP BY state
UNION ALL SELECT 'held', kind, count(*) FROM held GROUP BY kind
UNION ALL SELECT 'batches',
    CASE WHEN parked = 1 THEN 'parked'
         WHEN leased_until > ?1 THEN 'leased'
         ELSE 'queued' END AS what,
    count(*) FROM delivery_batches GROUP BY what
UNION ALL SELECT 'oldest', '', coalesce(?1 - min(nullif(queued_at, 0)), 0)
    FROM delivery_batches WHERE parked = 0
UNION ALL SELECT 'requests', state, count(*) FROM requests GROUP BY state
UNION ALL SELECT 'mail', kind, count(*) FROM mail_log WHERE sent_at >= ?2 GROUP BY kind
)sql";

}  // namespace

base::Result<StoreFigures> ReadStoreFigures(Store& store, int64_t now) {
  const std::string what = "reading the store's figures";
  Result<Statement*> query = store.database().Prepare(kFiguresSql);
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, now).Bind(2, now - 3600);
  ResetOnExit reset(statement);
  StoreFigures figures;
  const std::map<std::string, std::map<std::string, int64_t>*> families = {
      {"members", &figures.members},   {"posts", &figures.posts},
      {"held", &figures.held},         {"batches", &figures.batches},
      {"requests", &figures.requests}, {"mail", &figures.mail_last_hour}};
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    const std::string family = statement.ColumnText(0);
    const int64_t count = statement.ColumnInt(2);
    if (family == "lists") {
      figures.lists = count;
    } else if (family == "oldest") {
      figures.oldest_batch_age = count < 0 ? 0 : count;
    } else if (auto found = families.find(family); found != families.end()) {
      (*found->second)[statement.ColumnText(1)] = count;
    }
  }
  return figures;
}

}  // namespace storage
