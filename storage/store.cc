// Opening the store: master key first (so a bad key file stops us before
// anything is created), then the database and its migrations; the daemon's
// claim is SQLite's flock (store_lock.h).
#include "storage/store.h"

#include <utility>

#include <filesystem>
#include <system_error>

namespace storage {

Store::Store(std::unique_ptr<storage::Database> db, storage::MasterKey master_key)
    : db_(std::move(db)),
      master_key_(std::move(master_key)),
      lists_(*db_),
      members_(*db_),
      keys_(*db_, master_key_),
      events_(*db_),
      tokens_(*db_),
      spool_(*db_),
      held_(*db_),
      requests_(*db_),
      mail_log_(*db_),
      bans_(*db_),
      bounces_(*db_),
      web_users_(*db_),
      web_sessions_(*db_),
      api_tokens_(*db_),
      password_links_(*db_),
      list_secrets_(*db_, master_key_) {}

base::Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  namespace fs = std::filesystem;
  fs::path db_path(options.db_path);
  if (options.create && db_path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(db_path.parent_path(), ec);
    if (ec)
      return base::Error{"cannot create " + db_path.parent_path().string() + ": " + ec.message()};
  }
  if (!options.create && !fs::exists(db_path)) {
    return base::NotFound("no database at " + options.db_path);
  }
  std::string key_path = options.master_key_path.empty()
                             ? storage::MasterKey::DefaultPathFor(options.db_path)
                             : options.master_key_path;
  base::Result<storage::MasterKey> key = storage::MasterKey::LoadOrCreate(key_path, options.create);
  if (!key.ok()) return key.failure();
  storage::OpenOptions open;
  open.create = options.create;
  open.busy_timeout_ms = options.busy_timeout_ms;
  auto db = storage::Database::Open(options.db_path, open);
  if (!db.ok()) return db.failure();
  return std::unique_ptr<Store>(new Store(std::move(*db), std::move(*key)));
}

base::Result<int64_t> Store::ClaimDaemon() {
  if (!daemon_lock_) {
    base::Result<StoreLock> lock = StoreLock::Acquire(db_->path());
    if (!lock) return lock.failure();
    daemon_lock_.emplace(std::move(*lock));
  }
  return spool_.ReleaseLeases();
}

}  // namespace storage
