// Store: the open database, its master key and the repositories over them,
// as every listd program needs them. Opening refuses to start when the
// master key file is readable by group or others (storage/master_key.h).
//
// One Store per thread (a Database is single-threaded).
#ifndef LISTD_STORAGE_STORE_H_
#define LISTD_STORAGE_STORE_H_

#include <memory>
#include <string>

#include "base/result.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/held_repository.h"
#include "storage/key_repository.h"
#include "storage/list_repository.h"
#include "storage/master_key.h"
#include "storage/member_repository.h"
#include "storage/spool_repository.h"
#include "storage/token_repository.h"

namespace storage {

struct StoreOptions {
  std::string db_path = "var/listd.db";
  std::string master_key_path;  // empty: storage::MasterKey::DefaultPathFor(db_path)
  bool create = true;           // create the database (and its directory) if missing
};

class Store {
 public:
  static base::Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  storage::Database& db() { return *db_; }
  const storage::MasterKey& master_key() const { return master_key_; }
  storage::ListRepository& lists() { return lists_; }
  storage::MemberRepository& members() { return members_; }
  storage::KeyRepository& keys() { return keys_; }
  storage::EventLog& events() { return events_; }
  storage::TokenRepository& tokens() { return tokens_; }
  storage::SpoolRepository& spool() { return spool_; }
  storage::HeldRepository& held() { return held_; }

 private:
  Store(std::unique_ptr<storage::Database> db, storage::MasterKey master_key);
  std::unique_ptr<storage::Database> db_;
  storage::MasterKey master_key_;
  storage::ListRepository lists_;
  storage::MemberRepository members_;
  storage::KeyRepository keys_;
  storage::EventLog events_;
  storage::TokenRepository tokens_;
  storage::SpoolRepository spool_;
  storage::HeldRepository held_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_STORE_H_
