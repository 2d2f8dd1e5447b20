// Store: the one interface above storage/ to everything listd keeps: the
// repositories, transactions, and the claims on delivery work.
//
// Callers (services, the pipeline, the daemon) never name SQLite's types:
// they open a transaction with Begin(), claim delivery batches with
// ClaimBatches(), and make their process the store's one daemon with
// ClaimDaemon(). Today all three are SQLite's (BEGIN IMMEDIATE, a lease
// column, a flock on "<db>.lock"); a shared store (PostgreSQL, later)
// keeps the same calls with a lease owner per claim instead of the lock.
//
// Opening refuses to start when the master key file is readable by group or
// others (storage/master_key.h).
//
// Thread-safety: one Store per thread (a connection is single-threaded);
// every thread of a process opens its own on the same file.
#ifndef LISTD_STORAGE_STORE_H_
#define LISTD_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/api_token_repository.h"
#include "storage/ban_repository.h"
#include "storage/bounce_repository.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/held_repository.h"
#include "storage/key_repository.h"
#include "storage/list_repository.h"
#include "storage/list_secret_repository.h"
#include "storage/mail_log.h"
#include "storage/master_key.h"
#include "storage/member_repository.h"
#include "storage/password_link_repository.h"
#include "storage/request_repository.h"
#include "storage/spool_repository.h"
#include "storage/store_lock.h"
#include "storage/token_repository.h"
#include "storage/web_session_repository.h"
#include "storage/web_user_repository.h"

namespace storage {

struct StoreOptions {
  std::string db_path = "var/listd.db";
  std::string master_key_path;  // empty: MasterKey::DefaultPathFor(db_path)
  bool create = true;           // create the database (and its directory) if missing
  int busy_timeout_ms = 10000;  // how long a write waits for another writer's lock
};

class Store {
 public:
  static base::Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // A write transaction over everything below: commit it, or its work is
  // undone when it goes. Opened while another is open on this Store, it
  // nests (see storage/database.h). Check begun() before writing: the store
  // may be locked by another process for longer than the busy timeout
  // (an error of kind unavailable).
  Transaction Begin() { return Transaction(*db_); }

  // Takes up to `limit` delivery batches due at `now` for this worker until
  // `lease_until` (SpoolRepository::ClaimDueBatches).
  base::Result<std::vector<DeliveryBatch>> ClaimBatches(int64_t now, int limit,
                                                        int64_t lease_until) {
    return spool_.ClaimDueBatches(now, limit, lease_until);
  }

  // The posts waiting to be processed ("received"), oldest first: a
  // pipeline's work (SpoolRepository::Pending).
  base::Result<std::vector<int64_t>> PendingPosts(int64_t shard = 0, int64_t shards = 1) {
    return spool_.Pending(shard, shards);
  }

  // Makes this process the one daemon of the store for as long as this
  // Store lives, or says who is (kind unavailable). A daemon that starts
  // is alone, so every claim on a batch is a dead run's: they are released
  // at once. Returns how many were.
  base::Result<int64_t> ClaimDaemon();

  ListRepository& lists() { return lists_; }
  MemberRepository& members() { return members_; }
  KeyRepository& keys() { return keys_; }
  EventLog& events() { return events_; }
  TokenRepository& tokens() { return tokens_; }
  SpoolRepository& spool() { return spool_; }
  HeldRepository& held() { return held_; }
  RequestRepository& requests() { return requests_; }
  MailLog& mail_log() { return mail_log_; }
  BanRepository& bans() { return bans_; }
  BounceRepository& bounces() { return bounces_; }
  WebUserRepository& web_users() { return web_users_; }
  WebSessionRepository& web_sessions() { return web_sessions_; }
  ApiTokenRepository& api_tokens() { return api_tokens_; }
  PasswordLinkRepository& password_links() { return password_links_; }
  ListSecretRepository& list_secrets() { return list_secrets_; }
  const MasterKey& master_key() const { return master_key_; }
  const std::string& path() const { return db_->path(); }

  // The connection itself, for storage's own tests and tools only: code
  // above storage/ goes through the calls above.
  Database& database() { return *db_; }

 private:
  Store(std::unique_ptr<Database> db, MasterKey master_key);
  std::unique_ptr<Database> db_;
  MasterKey master_key_;
  ListRepository lists_;
  MemberRepository members_;
  KeyRepository keys_;
  EventLog events_;
  TokenRepository tokens_;
  SpoolRepository spool_;
  HeldRepository held_;
  RequestRepository requests_;
  MailLog mail_log_;
  BanRepository bans_;
  BounceRepository bounces_;
  WebUserRepository web_users_;
  WebSessionRepository web_sessions_;
  ApiTokenRepository api_tokens_;
  PasswordLinkRepository password_links_;
  ListSecretRepository list_secrets_;
  std::optional<StoreLock> daemon_lock_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_STORE_H_
