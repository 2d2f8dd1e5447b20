// PostWorker (see post_worker.h).
#include "listd/daemon/post_worker.h"

#include "base/free_memory.h"

#include <sstream>
#include <utility>
#include <vector>

#include "dkim/key_resolver.h"
#include "dkim/timed_txt_resolver.h"
#include "dkim/txt_memo.h"

namespace listd::daemon {

PostWorker::PostWorker(std::unique_ptr<storage::Store> store,
                       std::unique_ptr<dkim::UnboundTxtResolver> resolver,
                       inbound::ProcessorOptions options, std::chrono::milliseconds idle_poll,
                       Log log, std::function<void()> queued, int shard, int shards,
                       dkim::Clock now, Activity* activity)
    : store_(std::move(store)),
      resolver_(std::move(resolver)),
      options_(std::move(options)),
      idle_poll_(idle_poll),
      log_(std::move(log)),
      queued_(std::move(queued)),
      shard_(shard),
      shards_(shards),
      now_(std::move(now)),
      activity_(activity) {}

PostWorker::~PostWorker() { Stop(); }

void PostWorker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PostWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void PostWorker::Stop() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PostWorker::Run() {
  // Keys and DMARC policies both look up through the memo, so each post's
  // names go out in one concurrent round (hardening finding 13).
  // Between the memo and unbound: each round that really goes to DNS is
  // timed for /metrics; answers from the memo cost nothing and are not.
  dkim::TimedTxtResolver timed(*resolver_, [this](size_t names, double seconds) {
    if (activity_) activity_->DnsRound(names, seconds);
  });
  dkim::TxtMemo memo(timed);
  dkim::DnsKeyResolver keys(memo);
  inbound::Processor processor(*store_, keys, &memo, options_, now_);
  processor.UsePostMemo(&memo);
  uint64_t seen = 0;
  bool worked = false;  // since the last trim
  while (!stopping_) {
    auto pending = store_->PendingPosts(shard_, shards_);
    bool failed = !pending;
    if (failed) log_("pipeline: " + pending.error());
    for (int64_t post_id : pending ? *pending : std::vector<int64_t>()) {
      if (stopping_) break;
      const auto started = std::chrono::steady_clock::now();
      auto outcome = processor.Process(post_id);
      worked = true;
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (!outcome) {
        // A store failure: the post stays "received" and is tried again
        // after the poll interval.
        log_("post " + std::to_string(post_id) + ": " + outcome.error());
        failed = true;
        continue;
      }
      if (activity_) activity_->PostProcessed(outcome->action);
      std::ostringstream line;
      line << "post " << outcome->message_id << " id=" << outcome->post_id
           << " list=" << outcome->list << " auth=\"" << outcome->auth << "\""
           << " action=" << service::ToString(outcome->action)
           << " recipients=" << outcome->recipients << " elapsed=" << elapsed.count()
           << "ms reason=\"" << outcome->reason << "\"";
      log_(line.str());
      if (outcome->recipients > 0 && queued_) queued_();
    }
    if (!failed && pending && !pending->empty()) continue;  // more may have come meanwhile
    // Out of work: what the last posts needed goes back to the system
    // (once, not at every idle poll).
    if (worked) base::ReleaseFreeMemory();
    worked = false;
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, idle_poll_, [&] { return stopping_ || wakes_ != seen; });
    seen = wakes_;
  }
}

}  // namespace listd::daemon
