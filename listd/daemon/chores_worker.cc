// ChoresWorker (see chores_worker.h).
#include "listd/daemon/chores_worker.h"

#include "listd/service/bounce_chores.h"

namespace listd::daemon {

ChoresWorker::ChoresWorker(std::unique_ptr<storage::Store> store, ChoresOptions options, Log log,
                           std::function<void()> queued, dkim::Clock now)
    : store_(std::move(store)),
      options_(std::move(options)),
      log_(std::move(log)),
      queued_(std::move(queued)),
      now_(std::move(now)) {}

ChoresWorker::~ChoresWorker() { Stop(); }

void ChoresWorker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ChoresWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChoresWorker::Run() {
  while (!stopping_) {
    auto done = service::RunBounceChores(*store_, options_.templates_dir, options_.actor, now_());
    if (!done) {
      log_("chores: " + done.error());
    } else if (done->Total() > 0) {
      log_("chores: bounces probes=" + std::to_string(done->probes) + " warnings=" +
           std::to_string(done->warnings) + " removals=" + std::to_string(done->removals) +
           " owner_notices=" + std::to_string(done->owner_notices) +
           " digests=" + std::to_string(done->digests) +
           " probes_unanswered=" + std::to_string(done->probes_unanswered) +
           " forgotten=" + std::to_string(done->forgotten));
      if (queued_) queued_();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return stopping_.load(); });
  }
}

}  // namespace listd::daemon
