// StoreLock: one listd daemon per store. The daemon takes an exclusive
// flock(2) on "<db>.lock" for its whole life; a second daemon on the same
// store is refused at start instead of delivering beside the first. The
// kernel drops the lock when the process dies, kill -9 included, so a
// restart after a crash is never blocked by a stale lock.
//
// Because no other daemon can be running, a starting daemon may treat every
// delivery lease in the store as a dead run's (SpoolRepository::
// ReleaseLeases). listctl takes no lock: it never delivers.
#ifndef LISTD_STORAGE_STORE_LOCK_H_
#define LISTD_STORAGE_STORE_LOCK_H_

#include <string>

#include "base/result.h"

namespace storage {

class StoreLock {
 public:
  // Takes the lock for the store at `db_path`, or says who holds it.
  static base::Result<StoreLock> Acquire(const std::string& db_path);

  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();  // releases

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace storage

#endif  // LISTD_STORAGE_STORE_LOCK_H_
