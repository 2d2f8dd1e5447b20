// SharedStore: one store connection for the HTTP face's worker threads.
//
// A Store is single-threaded (storage/store.h) and the web face answers on
// several threads, so each operation takes the connection for the length
// of its call. SQLite serialises writers anyway, and every page the face
// serves is one short query, so one connection costs little and keeps the
// web face from ever holding more than one write lock on the file.
//
// Thread-safety: With() may be called from any thread; calls run one at a
// time.
#ifndef LISTD_LISTD_WEBFACE_SHARED_STORE_H_
#define LISTD_LISTD_WEBFACE_SHARED_STORE_H_

#include <memory>
#include <mutex>
#include <utility>

#include "storage/store.h"

namespace listd::webface {

class SharedStore {
 public:
  explicit SharedStore(std::unique_ptr<storage::Store> store) : store_(std::move(store)) {}

  // Runs `work(store)` with the connection to itself, and returns what it
  // returns.
  template <typename Work>
  auto With(Work&& work) {
    std::lock_guard<std::mutex> hold(mutex_);
    return std::forward<Work>(work)(*store_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_SHARED_STORE_H_
