// InTransaction: one service call, one transaction. The body's writes and
// its event commit together or not at all; errors keep their kinds, with
// what was being done in front of a store's own failure.
#ifndef LISTD_LISTD_SERVICE_TRANSACTION_H_
#define LISTD_LISTD_SERVICE_TRANSACTION_H_

#include <functional>
#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

// Runs `body` inside one transaction of `store` and commits when it
// succeeds; `what` ("creating list x") prefixes a failure to begin or commit.
template <typename T>
base::Result<T> InTransaction(storage::Store& store, const std::string& what,
                              const std::function<base::Result<T>()>& body) {
  storage::Transaction transaction = store.Begin();
  if (!transaction.begun()) return transaction.begun().failure().Prefixed(what);
  base::Result<T> result = body();
  if (!result) return result;  // the Transaction rolls back
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return result;
}

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_TRANSACTION_H_
