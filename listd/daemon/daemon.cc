// Daemon (see daemon.h).
#include "listd/daemon/daemon.h"


#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "dkim/unbound_txt_resolver.h"
#include "listd/daemon/host_name.h"
#include "listd/inbound/post_processor.h"

namespace listd {
namespace {

// The SMTP password, from a file only its owner may read (like the master
// key: a secret in a group- or world-readable file is refused).
base::Result<std::string> ReadPasswordFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return base::Error{"cannot read " + path};
  if ((st.st_mode & 077) != 0) {
    return base::Error{path + " is readable by others; chmod 600 it"};
  }
  std::ifstream file(path);
  std::string password;
  std::getline(file, password);
  if (!file && !file.eof()) return base::Error{"cannot read " + path};
  return password;
}

}  // namespace

Daemon::Daemon(DaemonOptions options, Log log) : options_(std::move(options)), log_(std::move(log)) {
  if (options_.hostname.empty()) options_.hostname = HostName();
  if (options_.authserv_id.empty()) options_.authserv_id = options_.hostname;
}

Daemon::~Daemon() { Stop(); }

base::Result<std::unique_ptr<storage::Store>> Daemon::OpenStore() const {
  storage::StoreOptions store;
  store.db_path = options_.db;
  return storage::Store::Open(store);
}

int Daemon::lmtp_port() const { return lmtp_ ? lmtp_->port() : 0; }

base::Status Daemon::Start() {
  // Delivery first: the transport is checked (a bad --deliver stops us
  // before we accept anything we could not send).
  delivery::TransportOptions transport;
  transport.target = options_.deliver;
  transport.starttls = options_.smtp_starttls;
  transport.username = options_.smtp_user;
  transport.ca_file = options_.smtp_ca_file;
  if (!options_.smtp_password_file.empty()) {
    auto password = ReadPasswordFile(options_.smtp_password_file);
    if (!password) return base::Error{"--smtp-password-file: " + password.error()};
    transport.password = *password;
  }
  transport.timeout = std::chrono::seconds(options_.smtp_timeout_seconds);
  transport.helo_name = options_.hostname;
  auto transports = delivery::MakeTransportFactory(transport);
  if (!transports) return base::Error{"--deliver: " + transports.error()};

  // The store is opened first so that its directory exists for the lock.
  auto store = OpenStore();
  if (!store) return base::Error{store.error()};
  auto lock = storage::StoreLock::Acquire(options_.db);
  if (!lock) return base::Error{lock.error()};
  lock_.emplace(std::move(*lock));
  intake_store_ = std::move(*store);
  // Claims on batches are a dead run's now: deliver them without waiting
  // for their leases to run out.
  auto released = intake_store_->spool().ReleaseLeases();
  if (!released) return base::Error{released.error()};
  if (*released > 0) {
    log_("resuming " + std::to_string(*released) + " delivery batches a previous run had in hand");
  }
  auto pipeline_store = OpenStore();
  if (!pipeline_store) return base::Error{pipeline_store.error()};

  DeliveryOptions delivery;
  delivery.workers = options_.delivery_workers;
  delivery.retry_base_seconds = options_.retry_base_seconds;
  delivery.retry_max_seconds = options_.retry_max_seconds;
  delivery.give_up_after_seconds = options_.give_up_after_seconds;
  delivery.idle_poll = std::chrono::milliseconds(options_.poll_ms);
  // A claim must outlast the slowest transaction a batch can take (every
  // recipient and the data each waiting out the SMTP timeout), or a second
  // worker would take the batch while the first still sends it.
  delivery.lease_seconds =
      std::max<int64_t>(600, static_cast<int64_t>(options_.batch_size + 4) *
                                 options_.smtp_timeout_seconds);
  delivery_ = std::make_unique<DeliveryPool>([this] { return OpenStore(); }, std::move(*transports),
                                             delivery, log_);
  base::Status delivering = delivery_->Start();
  if (!delivering) return delivering;

  // DNS before anything is accepted: a pipeline without a resolver could
  // only let posts pile up in the spool behind a listener saying 250.
  dkim::UnboundOptions dns;
  dns.forwarder = options_.dns;
  dns.timeout_ms = options_.dns_timeout_ms;
  auto resolver = dkim::UnboundTxtResolver::Create(dns);
  if (!resolver) return base::Error{"--dns: " + resolver.error()};
  resolver_ = std::move(*resolver);

  // The pipeline resumes every post a previous run left "received" before
  // looking for new ones (RunPipeline starts with the spool's Pending()).
  pipeline_ = std::thread([this, s = std::move(*pipeline_store)]() mutable {
    RunPipeline(std::move(s));
  });

  intake_ = std::make_unique<Intake>(*intake_store_, [this] { WakePipeline(); });
  auto lmtp_address = SplitHostPort(options_.lmtp);
  if (!lmtp_address) return base::Error{"--lmtp: " + lmtp_address.error()};
  lmtp::ServerOptions server;
  server.host = lmtp_address->first;
  server.port = lmtp_address->second;
  server.hostname = options_.hostname;
  server.max_connections = options_.max_connections;
  server.idle_timeout = std::chrono::seconds(options_.idle_timeout_seconds);
  server.max_message_bytes = options_.max_message_bytes;
  server.log = [this](std::string_view line) { log_(std::string(line)); };
  lmtp_ = std::make_unique<lmtp::Server>(*intake_, server);
  base::Status listening = lmtp_->Start();
  if (!listening) return base::Error{"LMTP on " + options_.lmtp + ": " + listening.error()};
  started_ = true;
  return base::Ok();
}

void Daemon::Stop() {
  // Intake first (no new posts), then the pipeline (the post in hand
  // finishes), then delivery (the batches in hand finish).
  if (lmtp_) lmtp_->Stop();
  stopping_ = true;
  wake_.notify_all();
  if (pipeline_.joinable()) pipeline_.join();
  if (delivery_) delivery_->Stop();
}

void Daemon::WakePipeline() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void Daemon::RunPipeline(std::unique_ptr<storage::Store> store) {
  // The resolver is this thread's alone from here on (it is not
  // thread-safe); Start() made it so that a bad --dns stops start-up.
  dkim::DnsKeyResolver keys(*resolver_);
  PipelineOptions pipeline;
  pipeline.authserv_id = options_.authserv_id;
  pipeline.trusted_authserv_ids = options_.trusted_authserv_ids;
  pipeline.templates_dir = options_.templates_dir;
  pipeline.batch_size = options_.batch_size;
  PostProcessor processor(*store, keys, resolver_.get(), pipeline);

  uint64_t seen = 0;
  while (!stopping_) {
    auto pending = store->spool().Pending();
    bool failed = !pending;
    if (failed) log_("pipeline: " + pending.error());
    for (int64_t post_id : pending ? *pending : std::vector<int64_t>()) {
      if (stopping_) break;
      const auto started = std::chrono::steady_clock::now();
      auto outcome = processor.Process(post_id);
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (!outcome) {
        // A store failure: the post stays "received" and is tried again
        // after the poll interval.
        log_("post " + std::to_string(post_id) + ": " + outcome.error());
        failed = true;
        continue;
      }
      std::ostringstream line;
      line << "post " << outcome->message_id << " id=" << outcome->post_id
           << " list=" << outcome->list << " auth=\"" << outcome->auth << "\""
           << " action=" << outcome->action << " recipients=" << outcome->recipients
           << " elapsed=" << elapsed.count() << "ms reason=\"" << outcome->reason << "\"";
      log_(line.str());
      if (outcome->recipients > 0) delivery_->Wake();
    }
    if (!failed && pending && !pending->empty()) continue;  // more may have come meanwhile
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || wakes_ != seen; });
    seen = wakes_;
  }
}

}  // namespace listd
