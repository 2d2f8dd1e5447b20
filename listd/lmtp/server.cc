// The LMTP listener: sockets, the I/O thread, the workers, deadlines,
// shutdown.
//
// STANDARDS:
//   RFC 2033 §4 (LMTP over a stream socket; TCP port chosen by the admin),
//   RFC 5321 §3.8 (421 then close when the server must end a session),
//            §4.5.3.2 (timeouts: §4.5.3.2.7's 5 minutes per line; the
//            session limit is the sum of §4.5.3.2.1-6),
//   RFC 3463 4.3.2 (system not accepting messages), 4.4.2 (bad connection).
// LIMITS (ServerOptions, defaults):
//   max_connections          1000   sessions at once; more: 421 4.3.2, close
//   max_connections_per_peer 50     from one IP address; more: 421 4.3.2
//   workers                  4      threads running sessions; the I/O thread
//                                   is one more, whatever the connections
//   command_timeout          300 s  per line (command or message line)
//   session_timeout          1800 s per connection
//   drain_timeout            10 s   Stop(): open transactions may finish
//   max_data_bytes           4 x max_message_bytes, at least 256 MiB: the
//                                   message bytes all sessions hold at once
//   read size                64 KiB per read; one buffer for the I/O thread
//   listen backlog           SOMAXCONN
//   descriptors              max_connections + 64 asked of RLIMIT_NOFILE
//
// DESIGN: the I/O thread owns every Connection. It reads what a readable
// connection sent, hands the connection to a worker (which runs OnBytes on
// those bytes and queues the replies), and takes it back when the worker is
// done, to write the replies and wait for the next bytes. While a worker
// has a connection, the I/O thread leaves its session and buffers alone
// and its descriptor is disarmed (EPOLLONESHOT), so a session is used by
// one thread at a time. No socket call ever blocks: a reply the client
// does not take stays queued, and nothing more is read from that client
// until it is written.
#include "listd/lmtp/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "listd/lmtp/session.h"
#include "listd/lmtp/unique_fd.h"

namespace listd::lmtp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr std::size_t kKeepBufferBytes = 4 * 1024;  // larger buffers are freed when empty
constexpr std::size_t kDefaultDataBudgetBytes = 256 * 1024 * 1024;
constexpr rlim_t kDescriptorReserve = 64;  // the store, DNS, delivery, logs
constexpr std::uint64_t kListenerId = 0;
constexpr std::uint64_t kWakeId = 1;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

std::string ErrnoText(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// The numeric IP address of `addr`.
std::string AddressOf(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
    return ip;
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    return ip;
  }
  return "unknown";
}

int PortOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return 0;
}

// "ip:port", or "[ip]:port" for IPv6.
std::string FormatPeer(const sockaddr_storage& addr) {
  std::string ip = AddressOf(addr);
  if (addr.ss_family == AF_INET6) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(PortOf(addr));
}

int ToPollMs(Clock::duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms < 0) return 0;
  // Round up, so that a wait for a deadline never wakes just before it.
  if (std::chrono::milliseconds(ms) < d) ++ms;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// Drops the capacity of an emptied buffer that grew large.
void Release(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > kKeepBufferBytes) std::string().swap(buffer);
}

// Best effort, never blocks: for a last "421" before a close.
void SendNow(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

struct Connection {
  Connection(std::uint64_t id_in, UniqueFd fd_in, std::string peer_in, std::string address_in,
             Handler& handler, SessionOptions options)
      : id(id_in),
        fd(std::move(fd_in)),
        peer(std::move(peer_in)),
        address(std::move(address_in)),
        session(handler, std::move(options), peer) {}

  const std::uint64_t id;
  UniqueFd fd;
  const std::string peer;     // "ip:port"
  const std::string address;  // "ip", what max_connections_per_peer counts
  // While `busy`, only the worker touches session, inbox, outbox, failed.
  Session session;
  std::string inbox;   // bytes read, for the worker
  std::string outbox;  // replies not yet written
  bool failed = false;
  // The I/O thread's alone.
  bool busy = false;
  bool close_after_write = false;
  std::uint64_t lines_seen = 0;
  Clock::time_point line_deadline;
  Clock::time_point session_deadline;
};

}  // namespace

struct Server::Impl {
  Impl(Handler& handler_in, ServerOptions options_in)
      : handler(handler_in), options(std::move(options_in)) {
    session_options.hostname = options.hostname;
    session_options.max_message_bytes = options.max_message_bytes;
    session_options.max_recipients = options.max_recipients;
    session_options.max_line_bytes = options.max_line_bytes;
    session_options.log = options.log;
    const std::size_t budget =
        options.max_data_bytes != 0
            ? options.max_data_bytes
            : std::max<std::size_t>(kDefaultDataBudgetBytes, 4 * options.max_message_bytes);
    session_options.data_budget =
        std::make_shared<DataBudget>(std::max(budget, options.max_message_bytes));
  }

  base::Status Start();
  void Stop();

  // The I/O thread.
  void Loop();
  void Accept(Clock::time_point now);
  void OnReady(Connection& c);
  void Dispatch(Connection& c);
  void TakeFinished(Clock::time_point now);
  void AfterWork(Connection& c, Clock::time_point now);
  bool Flush(Connection& c);
  void Arm(Connection& c, int op);
  void WriteAndMaybeClose(Connection& c);
  void Close(Connection& c, std::string_view why);
  void Drain(Clock::time_point now);
  void Expire(Clock::time_point now);
  int WaitMs(Clock::time_point now) const;
  void PauseAccepting(Clock::time_point now);
  void ResumeAccepting();
  void StopListening();

  // The workers.
  void Work();
  void Wake();

  void Log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  Handler& handler;
  const ServerOptions options;
  SessionOptions session_options;
  UniqueFd listen_fd;
  UniqueFd epoll_fd;
  UniqueFd wake_fd;  // an eventfd: work done, or Stop()
  int port = 0;
  bool started = false;
  bool stopped = false;
  std::atomic<bool> stop_requested{false};
  std::thread io_thread;
  std::vector<std::thread> workers;

  // The I/O thread's alone.
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::unordered_map<std::string, int> per_peer;
  std::uint64_t next_id = 2;
  bool listening = false;  // the listener is in the epoll set
  std::optional<Clock::time_point> accept_paused_until;
  bool stopping = false;
  Clock::time_point drain_deadline;

  // Handing connections to workers and back.
  std::mutex work_mu;
  std::condition_variable work_cv;
  std::deque<Connection*> work;  // guarded by work_mu
  bool workers_quit = false;     // guarded by work_mu
  std::mutex finished_mu;
  std::vector<Connection*> finished;  // guarded by finished_mu
};

Server::Server(Handler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

Server::~Server() { Stop(); }

base::Status Server::Start() { return impl_->Start(); }

int Server::port() const { return impl_->port; }

void Server::Stop() { impl_->Stop(); }

base::Status Server::Impl::Start() {
  if (started) return base::Error{"LMTP server already started"};
  if (options.port < 0 || options.port > 65535) {
    return base::Invalid("LMTP port out of range: " + std::to_string(options.port));
  }
  if (options.max_connections < 1) return base::Invalid("LMTP max_connections must be at least 1");
  if (options.max_connections_per_peer < 1) {
    return base::Invalid("LMTP max_connections_per_peer must be at least 1");
  }
  if (options.workers < 1) return base::Invalid("LMTP workers must be at least 1");
  if (options.command_timeout.count() <= 0 || options.session_timeout.count() <= 0) {
    return base::Invalid("LMTP command and session timeouts must be positive");
  }

  // Descriptors: one per connection, and some for the rest of the process.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    const rlim_t needed = static_cast<rlim_t>(options.max_connections) + kDescriptorReserve;
    if (files.rlim_cur < needed) {
      const rlim_t before = files.rlim_cur;
      files.rlim_cur = files.rlim_max == RLIM_INFINITY ? needed : std::min(needed, files.rlim_max);
      if (files.rlim_cur > before && ::setrlimit(RLIMIT_NOFILE, &files) == 0) {
        Log("lmtp: raised the descriptor limit from " + std::to_string(before) + " to " +
            std::to_string(files.rlim_cur) + " for " + std::to_string(options.max_connections) +
            " connections");
      } else {
        files.rlim_cur = before;
      }
      if (files.rlim_cur < needed) {
        Log("lmtp: warning: " + std::to_string(files.rlim_cur) +
            " descriptors (ulimit -n) are too few for " + std::to_string(options.max_connections) +
            " connections; raise the hard limit");
      }
    }
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(options.port);
  int gai = ::getaddrinfo(options.host.c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return base::Unavailable("LMTP cannot resolve " + options.host + ": " + ::gai_strerror(gai));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  std::string last_error = "no address for " + options.host;
  UniqueFd listener;
  for (const addrinfo* ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!fd) {
      last_error = ErrnoText("socket");
      continue;
    }
    int one = 1;
    // Restarts must not wait for TIME_WAIT connections of the last run.
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
      last_error = ErrnoText("setsockopt(SO_REUSEADDR)");
      continue;
    }
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      last_error = ErrnoText("bind " + options.host + ":" + port_text);
      continue;
    }
    if (::listen(fd.get(), SOMAXCONN) != 0) {
      last_error = ErrnoText("listen");
      continue;
    }
    listener = std::move(fd);
    break;
  }
  if (!listener) return base::Unavailable("LMTP cannot listen: " + last_error);

  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
    return base::Error{"LMTP " + ErrnoText("getsockname")};
  }
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return base::Error{"LMTP " + ErrnoText("epoll_create1")};
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return base::Error{"LMTP " + ErrnoText("eventfd")};
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.u64 = kListenerId;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = kWakeId;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listener.get(), &listen_event) != 0 ||
      ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &wake_event) != 0) {
    return base::Error{"LMTP " + ErrnoText("epoll_ctl")};
  }
  listen_fd = std::move(listener);
  epoll_fd = std::move(epoll);
  wake_fd = std::move(wake);
  listening = true;
  port = PortOf(bound);

  try {
    for (int i = 0; i < options.workers; ++i) workers.emplace_back([this] { Work(); });
    io_thread = std::thread([this] { Loop(); });
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(work_mu);
      workers_quit = true;
    }
    work_cv.notify_all();
    for (std::thread& t : workers) t.join();
    workers.clear();
    listen_fd.reset();
    return base::Error{std::string("LMTP cannot start its threads: ") + e.what()};
  }
  started = true;
  Log("lmtp: listening on " + FormatPeer(bound));
  return base::Ok();
}

void Server::Impl::Stop() {
  if (!started || stopped) return;
  stopped = true;
  stop_requested.store(true);
  Wake();
  if (io_thread.joinable()) io_thread.join();
  {
    std::lock_guard<std::mutex> lock(work_mu);
    workers_quit = true;
  }
  work_cv.notify_all();
  for (std::thread& t : workers) {
    if (t.joinable()) t.join();
  }
  Log("lmtp: stopped");
}

void Server::Impl::Wake() {
  std::uint64_t one = 1;
  while (::write(wake_fd.get(), &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void Server::Impl::Loop() {
  try {
    std::vector<epoll_event> events(256);
    while (true) {
      Clock::time_point now = Clock::now();
      if (stop_requested.load() && !stopping) {
        stopping = true;
        drain_deadline = now + options.drain_timeout;
        StopListening();
      }
      if (accept_paused_until && now >= *accept_paused_until) ResumeAccepting();
      Expire(now);
      if (stopping) {
        Drain(now);
        if (connections.empty()) break;
      }
      int n =
          ::epoll_wait(epoll_fd.get(), events.data(), static_cast<int>(events.size()), WaitMs(now));
      if (n < 0) {
        if (errno == EINTR) continue;
        Log("lmtp: " + ErrnoText("epoll_wait"));
        break;
      }
      now = Clock::now();
      for (int i = 0; i < n; ++i) {
        const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
        if (id == kListenerId) {
          Accept(now);
        } else if (id == kWakeId) {
          std::uint64_t count = 0;
          while (::read(wake_fd.get(), &count, sizeof count) < 0 && errno == EINTR) {
          }
          TakeFinished(now);
        } else if (auto it = connections.find(id); it != connections.end()) {
          OnReady(*it->second);
        }
      }
    }
  } catch (const std::exception& e) {
    Log(std::string("lmtp: I/O thread failed: ") + e.what());
  } catch (...) {
    Log("lmtp: I/O thread failed");
  }
  StopListening();
  // Only after an error can connections be left: wait for the workers to
  // give theirs back, then close them all.
  while (std::any_of(connections.begin(), connections.end(),
                     [](const auto& entry) { return entry.second->busy; })) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard<std::mutex> lock(finished_mu);
    for (Connection* c : finished) c->busy = false;
    finished.clear();
  }
  connections.clear();
}

void Server::Impl::StopListening() {
  if (!listen_fd) return;
  if (listening) ::epoll_ctl(epoll_fd.get(), EPOLL_CTL_DEL, listen_fd.get(), nullptr);
  listening = false;
  accept_paused_until.reset();
  // New clients now get a connection refused rather than a silent queue.
  listen_fd.reset();
}

void Server::Impl::PauseAccepting(Clock::time_point now) {
  if (listening) ::epoll_ctl(epoll_fd.get(), EPOLL_CTL_DEL, listen_fd.get(), nullptr);
  listening = false;
  accept_paused_until = now + kAcceptBackoff;
}

void Server::Impl::ResumeAccepting() {
  accept_paused_until.reset();
  if (!listen_fd || listening) return;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kListenerId;
  if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, listen_fd.get(), &event) == 0) listening = true;
}

void Server::Impl::Accept(Clock::time_point now) {
  while (listen_fd) {
    sockaddr_storage peer_addr{};
    socklen_t peer_len = sizeof peer_addr;
    int raw = ::accept4(listen_fd.get(), reinterpret_cast<sockaddr*>(&peer_addr), &peer_len,
                        SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (raw < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      Log("lmtp: " + ErrnoText("accept"));
      // Out of descriptors or memory: the client waits in the backlog; look
      // again shortly instead of spinning on a listener that stays readable.
      PauseAccepting(now);
      return;
    }
    UniqueFd fd(raw);
    std::string peer = FormatPeer(peer_addr);
    std::string address = AddressOf(peer_addr);
    if (static_cast<int>(connections.size()) >= options.max_connections) {
      Log("lmtp: client=" + peer + " refused: too many connections");
      SendNow(fd.get(), "421 4.3.2 " + options.hostname + " too many connections\r\n");
      continue;
    }
    int& from_peer = per_peer[address];
    if (from_peer >= options.max_connections_per_peer) {
      Log("lmtp: client=" + peer + " refused: too many connections from " + address);
      SendNow(fd.get(),
              "421 4.3.2 " + options.hostname + " too many connections from " + address + "\r\n");
      continue;
    }
    ++from_peer;
    const std::uint64_t id = next_id++;
    auto connection =
        std::make_unique<Connection>(id, std::move(fd), peer, address, handler, session_options);
    Connection& c = *connection;
    connections.emplace(id, std::move(connection));
    c.line_deadline = now + options.command_timeout;
    c.session_deadline = now + options.session_timeout;
    c.outbox = c.session.Greeting();
    Log("lmtp: client=" + peer + " connected");
    if (!Flush(c)) {
      Close(c, " write failed");
      continue;
    }
    Arm(c, EPOLL_CTL_ADD);
  }
}

void Server::Impl::OnReady(Connection& c) {
  if (!c.outbox.empty()) {
    WriteAndMaybeClose(c);
    return;
  }
  char buffer[kReadBufferBytes];
  ssize_t n = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
      Arm(c, EPOLL_CTL_MOD);
      return;
    }
    Close(c, " " + ErrnoText("recv"));
    return;
  }
  if (n == 0) {
    Close(c, c.session.in_transaction() ? " disconnected inside a transaction" : " disconnected");
    return;
  }
  c.inbox.assign(buffer, static_cast<std::size_t>(n));
  Dispatch(c);
}

void Server::Impl::Dispatch(Connection& c) {
  c.busy = true;
  {
    std::lock_guard<std::mutex> lock(work_mu);
    work.push_back(&c);
  }
  work_cv.notify_one();
}

void Server::Impl::Work() {
  while (true) {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(work_mu);
      work_cv.wait(lock, [this] { return workers_quit || !work.empty(); });
      if (work.empty()) return;
      c = work.front();
      work.pop_front();
    }
    try {
      c->outbox += c->session.OnBytes(c->inbox);
    } catch (const std::exception& e) {
      Log("lmtp: client=" + c->peer + " session failed: " + e.what());
      c->failed = true;
    } catch (...) {
      Log("lmtp: client=" + c->peer + " session failed");
      c->failed = true;
    }
    c->inbox.clear();
    Release(c->inbox);
    {
      std::lock_guard<std::mutex> lock(finished_mu);
      finished.push_back(c);
    }
    Wake();
  }
}

void Server::Impl::TakeFinished(Clock::time_point now) {
  std::vector<Connection*> done;
  {
    std::lock_guard<std::mutex> lock(finished_mu);
    done.swap(finished);
  }
  for (Connection* c : done) AfterWork(*c, now);
}

void Server::Impl::AfterWork(Connection& c, Clock::time_point now) {
  c.busy = false;
  if (c.failed) {
    Close(c, " closed after a failure");
    return;
  }
  if (c.session.lines_received() != c.lines_seen) {
    c.lines_seen = c.session.lines_received();
    c.line_deadline = now + options.command_timeout;
  }
  if (c.session.closed()) {
    c.close_after_write = true;
  } else if (stopping && (!c.session.in_transaction() || now >= drain_deadline)) {
    c.outbox += "421 4.3.2 " + options.hostname + " shutting down\r\n";
    c.close_after_write = true;
    Log("lmtp: client=" + c.peer +
        (c.session.in_transaction() ? " closed by shutdown, transaction unfinished"
                                    : " closed by shutdown"));
  }
  WriteAndMaybeClose(c);
}

bool Server::Impl::Flush(Connection& c) {
  std::size_t sent = 0;
  while (sent < c.outbox.size()) {
    ssize_t n = ::send(c.fd.get(), c.outbox.data() + sent, c.outbox.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return false;
    }
  }
  c.outbox.erase(0, sent);
  Release(c.outbox);
  return true;
}

void Server::Impl::WriteAndMaybeClose(Connection& c) {
  if (!Flush(c)) {
    Close(c, " write failed");
    return;
  }
  if (c.outbox.empty() && c.close_after_write) {
    Close(c, c.session.closed() ? " quit" : "");
    return;
  }
  Arm(c, EPOLL_CTL_MOD);
}

void Server::Impl::Arm(Connection& c, int op) {
  epoll_event event{};
  // Read only when every reply is written: a client that does not read
  // cannot make us queue without bound.
  event.events = (c.outbox.empty() ? EPOLLIN : EPOLLOUT) | EPOLLONESHOT;
  event.data.u64 = c.id;
  if (::epoll_ctl(epoll_fd.get(), op, c.fd.get(), &event) != 0) {
    Close(c, " " + ErrnoText("epoll_ctl"));
  }
}

void Server::Impl::Close(Connection& c, std::string_view why) {
  if (!why.empty()) Log("lmtp: client=" + c.peer + std::string(why));
  auto count = per_peer.find(c.address);
  if (count != per_peer.end() && --count->second <= 0) per_peer.erase(count);
  // Unread input makes close() send a reset, which can destroy a last reply
  // before the client reads it: take what is there first.
  char unread[4096];
  for (int i = 0; i < 16 && ::recv(c.fd.get(), unread, sizeof unread, MSG_DONTWAIT) > 0; ++i) {
  }
  // Closing the descriptor takes it out of the epoll set.
  connections.erase(c.id);
}

void Server::Impl::Expire(Clock::time_point now) {
  std::vector<Connection*> expired;
  for (auto& [id, c] : connections) {
    if (!c->busy && (now >= c->line_deadline || now >= c->session_deadline)) {
      expired.push_back(c.get());
    }
  }
  for (Connection* c : expired) {
    const bool session_over = now >= c->session_deadline;
    const std::string what = session_over           ? "session time limit"
                             : c->session.in_data() ? "data timeout"
                                                    : "command timeout";
    SendNow(c->fd.get(),
            c->outbox + "421 4.4.2 " + options.hostname + " " + what + ", closing\r\n");
    Close(*c, " " + what);
  }
}

void Server::Impl::Drain(Clock::time_point now) {
  std::vector<Connection*> idle;
  for (auto& [id, c] : connections) {
    if (c->busy || c->close_after_write) continue;
    if (!c->session.in_transaction() || now >= drain_deadline) idle.push_back(c.get());
  }
  for (Connection* c : idle) {
    const bool unfinished = c->session.in_transaction();
    c->outbox += "421 4.3.2 " + options.hostname + " shutting down\r\n";
    c->close_after_write = true;
    Log("lmtp: client=" + c->peer +
        (unfinished ? " closed by shutdown, transaction unfinished" : " closed by shutdown"));
    WriteAndMaybeClose(*c);
  }
  if (now >= drain_deadline) {
    // Replies nobody reads no longer hold up the end.
    std::vector<Connection*> stuck;
    for (auto& [id, c] : connections) {
      if (!c->busy && c->close_after_write) stuck.push_back(c.get());
    }
    for (Connection* c : stuck) Close(*c, "");
  }
}

int Server::Impl::WaitMs(Clock::time_point now) const {
  std::optional<Clock::time_point> next;
  auto consider = [&next](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, c] : connections) {
    if (c->busy) continue;
    consider(c->line_deadline);
    consider(c->session_deadline);
  }
  if (accept_paused_until) consider(*accept_paused_until);
  // Past the drain deadline only busy connections are left: their workers
  // wake us when done.
  if (stopping && now < drain_deadline) consider(drain_deadline);
  if (!next) return -1;
  return ToPollMs(*next - now);
}

}  // namespace listd::lmtp
