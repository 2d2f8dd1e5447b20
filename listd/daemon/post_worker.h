// PostWorker: a thread that takes spooled posts their whole way in
// (inbound::Processor), oldest first, and logs one line per post:
//
//   post <Message-ID> id=7 list=demo@lists.example.org auth="dkim=pass(...)"
//   action=accepted recipients=3 elapsed=9ms reason="..."
//
// CONTRACT
//   Start() resumes every post a previous run left "received" before
//   looking for new ones; Wake() says new posts were spooled; Stop() lets
//   the post in hand finish and joins. A store failure leaves the post
//   "received" and is tried again after the poll interval. The worker owns
//   its Store and its resolver (neither is shared with another thread).
// SHARDS
//   The daemon runs --pipeline-workers of them; worker k of n takes the
//   posts of the lists whose id is k modulo n, so a post that waits for a
//   slow DNS answer holds up only the lists of its shard, and each list's
//   posts are still processed one at a time, in the order they came.
#ifndef LISTD_LISTD_DAEMON_POST_WORKER_H_
#define LISTD_LISTD_DAEMON_POST_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dkim/key_resolver.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/daemon/activity.h"
#include "listd/inbound/processor.h"
#include "storage/store.h"

namespace listd::daemon {

class PostWorker {
 public:
  using Log = std::function<void(const std::string&)>;
  // `queued` is called after a post queued mail (to wake delivery).
  PostWorker(std::unique_ptr<storage::Store> store,
             std::unique_ptr<dkim::UnboundTxtResolver> resolver, inbound::ProcessorOptions options,
             std::chrono::milliseconds idle_poll, Log log, std::function<void()> queued,
             int shard = 0, int shards = 1, dkim::Clock now = dkim::SystemNow,
             Activity* activity = nullptr);
  ~PostWorker();  // Stop()s
  PostWorker(const PostWorker&) = delete;
  PostWorker& operator=(const PostWorker&) = delete;

  void Start();
  void Wake();
  void Stop();

 private:
  void Run();

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<dkim::UnboundTxtResolver> resolver_;
  inbound::ProcessorOptions options_;
  std::chrono::milliseconds idle_poll_;
  Log log_;
  std::function<void()> queued_;
  int shard_;
  int shards_;
  dkim::Clock now_;
  Activity* activity_;  // may be null
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t wakes_ = 0;
  std::thread thread_;
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_POST_WORKER_H_
