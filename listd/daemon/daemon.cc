// Daemon (see daemon.h).
#include "listd/daemon/daemon.h"

#include "listd/daemon/clock.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "base/core_dumps.h"
#include "base/free_memory.h"
#include "base/host_name.h"
#include "dkim/crypto.h"
#include "dkim/unbound_txt_resolver.h"

namespace listd::daemon {
namespace {

// The SMTP password, from a file only its owner may read (like the master
// key: a secret in a group- or world-readable file is refused).
base::Result<std::string> ReadPasswordFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return base::NotFound("cannot read " + path);
  if ((st.st_mode & 077) != 0) {
    return base::Forbidden(path + " is readable by others; chmod 600 it");
  }
  std::ifstream file(path);
  std::string password;
  std::getline(file, password);
  if (!file && !file.eof()) return base::Error{"cannot read " + path};
  return password;
}

}  // namespace

Daemon::Daemon(DaemonOptions options, Log log)
    : options_(std::move(options)),
      log_(std::move(log)),
      clock_(MakeDaemonClock(options_.clock_offset_file)) {
  if (options_.hostname.empty()) options_.hostname = base::HostName();
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
  // A post's big buffers go back to the system when it is done
  // (base/free_memory.h); the workers trim what is left when they idle.
  base::ReturnLargeBlocksAtOnce();
  // Before any key is in memory (the master key is read with the store):
  // OpenSSL's copies of private keys go to its secure heap, which is left
  // out of core dumps, and the process is not dumpable at all unless
  // --allow-core-dumps asks for it.
  if (!dkim::UseSecureHeapForPrivateKeys()) {
    log_("warning: OpenSSL's secure heap is unavailable; private keys live on the ordinary heap");
  }
  if (!options_.allow_core_dumps && !base::ForbidCoreDumps()) {
    return base::Error{base::ErrorKind::kInternal,
                       "cannot make the process non-dumpable (prctl PR_SET_DUMPABLE)"};
  }
  // Delivery first: the transport is checked (a bad --deliver stops us
  // before we accept anything we could not send).
  delivery::TransportOptions transport;
  transport.target = options_.deliver;
  transport.starttls = options_.smtp_starttls == "required" ? delivery::StartTls::kRequired
                       : options_.smtp_starttls == "off"    ? delivery::StartTls::kOff
                                                            : delivery::StartTls::kOpportunistic;
  transport.username = options_.smtp_user;
  transport.ca_file = options_.smtp_ca_file;
  if (!options_.smtp_password_file.empty()) {
    auto password = ReadPasswordFile(options_.smtp_password_file);
    if (!password) return password.failure().Prefixed("--smtp-password-file");
    transport.password = *password;
  }
  transport.timeouts.connect = std::chrono::seconds(options_.smtp_connect_timeout_seconds);
  transport.timeouts.mail = std::chrono::seconds(options_.smtp_mail_timeout_seconds);
  transport.timeouts.rcpt = std::chrono::seconds(options_.smtp_rcpt_timeout_seconds);
  transport.timeouts.data_init = std::chrono::seconds(options_.smtp_data_timeout_seconds);
  transport.timeouts.data_block = std::chrono::seconds(options_.smtp_data_block_timeout_seconds);
  transport.timeouts.data_end = std::chrono::seconds(options_.smtp_data_end_timeout_seconds);
  transport.helo_name = options_.hostname;
  auto transports = delivery::MakeTransportFactory(transport);
  if (!transports) return transports.failure().Prefixed("--deliver");

  // One daemon per store; the claims on batches are then a dead run's:
  // deliver them without waiting for their leases to run out.
  auto store = OpenStore();
  if (!store) return store.failure();
  intake_store_ = std::move(*store);
  auto released = intake_store_->ClaimDaemon();
  if (!released) return released.failure();
  if (*released > 0) {
    log_("resuming " + std::to_string(*released) + " delivery batches a previous run had in hand");
  }

  DeliveryOptions delivery;
  delivery.workers = options_.delivery_workers;
  delivery.retry.retry_base_seconds = options_.retry_base_seconds;
  delivery.retry.retry_max_seconds = options_.retry_max_seconds;
  delivery.retry.give_up_after_seconds = options_.give_up_after_seconds;
  delivery.idle_poll = std::chrono::milliseconds(options_.poll_ms);
  // A claim must outlast the slowest transaction a batch can take (every
  // step waiting out its SMTP timeout), or a second worker would take the
  // batch while the first still sends it. Opportunistic STARTTLS may open
  // a second connection after a failed handshake (smtp_transport.cc): its
  // connect and greeting count too.
  const int64_t fallback = transport.starttls == delivery::StartTls::kOpportunistic
                               ? transport.timeouts.connect.count()
                               : 0;
  delivery.lease_seconds = std::max<int64_t>(
      600, transport.timeouts.Transaction(options_.batch_size).count() + fallback + 60);
  delivery.activity = &activity_;
  delivery_ = std::make_unique<DeliveryPool>([this] { return OpenStore(); }, std::move(*transports),
                                             delivery, log_, clock_);
  base::Status delivering = delivery_->Start();
  if (!delivering) return delivering;

  // The web face before LMTP (when listd says it is ready, both answer)
  // and before the post workers, whose mails link to its base URL.
  if (options_.http != "off") {
    auto http_address = SplitHostPort(options_.http);
    if (!http_address) return http_address.failure().Prefixed("--http");
    auto web_store = OpenStore();
    if (!web_store) return web_store.failure();
    webface::WebFaceOptions web;
    web.templates_dir = options_.templates_dir;
    web.subscriptions.site_per_hour = options_.site_confirmations_per_hour;
    web.dns.forwarder = options_.dns;
    web.dns.timeout_ms = options_.dns_timeout_ms;
    web.activity = &activity_;
    web.server.host = http_address->first;
    web.server.port = http_address->second;
    web.server.base_url = options_.http_base_url;
    web.server.tls_cert = options_.http_tls_cert;
    web.server.tls_key = options_.http_tls_key;
    web.server.threads = options_.http_threads;
    web.server.clock = clock_;
    web.server.log = [this](std::string_view line) { log_(std::string(line)); };
    auto face = webface::WebFace::Create(std::move(web), std::move(*web_store));
    if (!face) return face.failure().Prefixed("--http");
    web_ = std::move(*face);
    base::Status serving = web_->Start();
    if (!serving) return serving.failure().Prefixed("--http " + options_.http);
  }

  // The workers resume every post a previous run left "received" before
  // looking for new ones.
  inbound::ProcessorOptions processing;
  processing.authserv_id = options_.authserv_id;
  processing.trusted_authserv_ids = options_.trusted_authserv_ids;
  processing.post.templates_dir = options_.templates_dir;
  processing.post.batch_size = options_.batch_size;
  processing.max_header_fields = options_.max_header_fields;
  processing.max_mime_parts = options_.max_mime_parts;
  processing.subscriptions.site_per_hour = options_.site_confirmations_per_hour;
  if (web_) processing.web_base_url = web_->base_url();
  for (int shard = 0; shard < options_.pipeline_workers; ++shard) {
    // Each worker its own store connection and its own resolver. DNS before
    // anything is accepted: a pipeline without a resolver could only let
    // posts pile up in the spool behind a listener saying 250.
    auto pipeline_store = OpenStore();
    if (!pipeline_store) return pipeline_store.failure();
    dkim::UnboundOptions dns;
    dns.forwarder = options_.dns;
    dns.timeout_ms = options_.dns_timeout_ms;
    auto resolver = dkim::UnboundTxtResolver::Create(dns);
    if (!resolver) return resolver.failure().Prefixed("--dns");
    posts_.push_back(std::make_unique<PostWorker>(
        std::move(*pipeline_store), std::move(*resolver), processing,
        std::chrono::milliseconds(options_.poll_ms), log_, [this] { delivery_->Wake(); }, shard,
        options_.pipeline_workers, clock_, &activity_));
    posts_.back()->Start();
  }

  auto chores_store = OpenStore();
  if (!chores_store) return chores_store.failure();
  ChoresOptions chores;
  chores.interval = std::chrono::seconds(options_.chores_interval_seconds);
  chores.templates_dir = options_.templates_dir;
  chores_ = std::make_unique<ChoresWorker>(
      std::move(*chores_store), chores, log_, [this] { delivery_->Wake(); }, clock_);
  chores_->Start();

  intake_ = std::make_unique<Intake>(
      *intake_store_,
      [this](size_t posts) {
        activity_.PostsReceived(posts);
        WakePostWorkers();
      },
      clock_);
  auto lmtp_address = SplitHostPort(options_.lmtp);
  if (!lmtp_address) return lmtp_address.failure().Prefixed("--lmtp");
  lmtp::ServerOptions server;
  server.host = lmtp_address->first;
  server.port = lmtp_address->second;
  server.hostname = options_.hostname;
  server.max_connections = options_.max_connections;
  server.max_connections_per_peer = options_.max_connections_per_peer;
  server.command_timeout = std::chrono::seconds(options_.lmtp_command_timeout_seconds);
  server.session_timeout = std::chrono::seconds(options_.lmtp_session_timeout_seconds);
  server.max_message_bytes = options_.max_message_bytes;
  server.log = [this](std::string_view line) { log_(std::string(line)); };
  lmtp_ = std::make_unique<lmtp::Server>(*intake_, server);
  base::Status listening = lmtp_->Start();
  if (!listening) return listening.failure().Prefixed("LMTP on " + options_.lmtp);
  return base::Ok();
}

void Daemon::WakePostWorkers() {
  for (auto& worker : posts_) worker->Wake();
}

void Daemon::Stop() {
  // Intake first (no new posts), then the posts (the one in hand
  // finishes), then delivery (the batches in hand finish).
  if (lmtp_) lmtp_->Stop();
  if (web_) web_->Stop();
  for (auto& worker : posts_) worker->Stop();
  if (chores_) chores_->Stop();
  if (delivery_) delivery_->Stop();
}

}  // namespace listd::daemon
