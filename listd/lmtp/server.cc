// The LMTP listener: sockets, threads, timeouts, shutdown.
//
// STANDARDS:
//   RFC 2033 §4 (LMTP over a stream socket; TCP port chosen by the admin),
//   RFC 5321 §3.8 (421 then close when the server must end a session),
//            §4.5.3.2 (timeouts; one idle timeout is used for every read),
//   RFC 3463 4.3.2 (system not accepting messages), 4.4.2 (bad connection).
// LIMITS (ServerOptions, defaults):
//   max_connections 20    concurrent sessions; more: 421 4.3.2 and close
//   idle_timeout    300 s per read/write wait; then 421 4.4.2 and close
//   drain_timeout   10 s  Stop(): open transactions may finish until then
//   read buffer     64 KiB per connection
//   listen backlog  SOMAXCONN
#include "listd/lmtp/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "listd/lmtp/session.h"

namespace listd::lmtp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadBufferBytes = 64 * 1024;

std::string ErrnoText(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// "ip:port", or "[ip]:port" for IPv6.
std::string FormatPeer(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(ntohs(in6->sin6_port));
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

int ToPollMs(Clock::duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms < 0) return 0;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// Writes all of `data` to the non-blocking socket `fd`, waiting for room at
// most `timeout` each time. False on error or timeout.
bool WriteAll(int fd, std::string_view data, std::chrono::seconds timeout) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      int r = ::poll(&p, 1, ToPollMs(timeout));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

Server::Server(Handler& handler, ServerOptions options)
    : handler_(handler), options_(std::move(options)) {}

Server::~Server() { Stop(); }

base::Status Server::Start() {
  if (started_) return base::Error{"LMTP server already started"};
  if (options_.port < 0 || options_.port > 65535) {
    return base::Error{"LMTP port out of range: " + std::to_string(options_.port)};
  }
  if (options_.max_connections < 1) return base::Error{"LMTP max_connections must be at least 1"};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(options_.port);
  int gai = ::getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return base::Error{"LMTP cannot resolve " + options_.host + ": " + ::gai_strerror(gai)};
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  std::string last_error = "no address for " + options_.host;
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
      last_error = ErrnoText("bind " + options_.host + ":" + port_text);
      continue;
    }
    if (::listen(fd.get(), SOMAXCONN) != 0) {
      last_error = ErrnoText("listen");
      continue;
    }
    listener = std::move(fd);
    break;
  }
  if (!listener) return base::Error{"LMTP cannot listen: " + last_error};

  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
    return base::Error{"LMTP " + ErrnoText("getsockname")};
  }

  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    return base::Error{"LMTP " + ErrnoText("pipe")};
  }
  wake_read_.reset(pipe_fds[0]);
  wake_write_.reset(pipe_fds[1]);
  listen_fd_ = std::move(listener);
  port_ = PortOf(bound);

  try {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  } catch (const std::exception& e) {
    listen_fd_.reset();
    return base::Error{std::string("LMTP cannot start the accept thread: ") + e.what()};
  }
  started_ = true;
  Log("lmtp: listening on " + FormatPeer(bound));
  return base::Ok();
}

void Server::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  drain_deadline_ns_.store((Clock::now() + options_.drain_timeout).time_since_epoch().count());
  stopping_.store(true);
  // One byte, never read: the pipe stays readable, so every poll() wakes.
  char byte = 1;
  while (::write(wake_write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<Connection> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connections.swap(connections_);
  }
  for (Connection& c : connections) {
    if (c.thread.joinable()) c.thread.join();
  }
  Log("lmtp: stopped");
}

void Server::AcceptLoop() {
  try {
    while (true) {
      std::array<pollfd, 2> fds{{{listen_fd_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}}};
      int r = ::poll(fds.data(), fds.size(), -1);
      if (r < 0) {
        if (errno == EINTR) continue;
        Log("lmtp: " + ErrnoText("poll on the listening socket"));
        break;
      }
      if (fds[1].revents != 0) break;
      if ((fds[0].revents & POLLIN) == 0) continue;

      sockaddr_storage peer_addr{};
      socklen_t peer_len = sizeof peer_addr;
      int raw = ::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&peer_addr), &peer_len,
                          SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (raw < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
          continue;
        }
        Log("lmtp: " + ErrnoText("accept"));
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: back off instead of spinning on poll().
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        continue;
      }
      UniqueFd client(raw);
      std::string peer = FormatPeer(peer_addr);
      ReapFinished();

      std::unique_lock<std::mutex> lock(mu_);
      if (active_ >= options_.max_connections) {
        lock.unlock();
        Log("lmtp: client=" + peer + " refused: too many connections");
        WriteAll(client.get(), "421 4.3.2 " + options_.hostname + " too many connections\r\n",
                 std::chrono::seconds(1));
        continue;
      }
      auto it = connections_.emplace(connections_.end());
      ++active_;
      try {
        it->thread = std::thread([this, it, fd = std::move(client), peer]() mutable {
          Serve(std::move(fd), peer);
          std::lock_guard<std::mutex> done_lock(mu_);
          it->done = true;
          --active_;
        });
      } catch (const std::exception& e) {
        // The lambda (and the socket in it) is destroyed: the client sees a close.
        connections_.erase(it);
        --active_;
        lock.unlock();
        Log(std::string("lmtp: client=") + peer + " dropped, no thread: " + e.what());
      }
    }
  } catch (const std::exception& e) {
    Log(std::string("lmtp: accept thread failed: ") + e.what());
  } catch (...) {
    Log("lmtp: accept thread failed");
  }
  // New clients now get a connection refused rather than a silent queue.
  listen_fd_.reset();
}

void Server::ReapFinished() {
  std::list<Connection> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& c : finished) {
    if (c.thread.joinable()) c.thread.join();
  }
}

void Server::Serve(UniqueFd fd, const std::string& peer) {
  try {
    SessionOptions session_options;
    session_options.hostname = options_.hostname;
    session_options.max_message_bytes = options_.max_message_bytes;
    session_options.max_recipients = options_.max_recipients;
    session_options.max_line_bytes = options_.max_line_bytes;
    session_options.log = options_.log;
    Session session(handler_, std::move(session_options), peer);
    Log("lmtp: client=" + peer + " connected");
    if (!WriteAll(fd.get(), session.Greeting(), options_.idle_timeout)) {
      Log("lmtp: client=" + peer + " write failed");
      return;
    }
    const std::string shutting_down = "421 4.3.2 " + options_.hostname + " shutting down\r\n";
    std::vector<char> buffer(kReadBufferBytes);
    while (!session.closed()) {
      bool stopping = stopping_.load();
      Clock::time_point now = Clock::now();
      Clock::duration wait = options_.idle_timeout;
      bool deadline_first = false;
      if (stopping) {
        Clock::time_point deadline{Clock::duration(drain_deadline_ns_.load())};
        if (!session.in_transaction() || now >= deadline) {
          WriteAll(fd.get(), shutting_down, std::chrono::seconds(1));
          Log("lmtp: client=" + peer +
              (session.in_transaction() ? " closed by shutdown, transaction unfinished"
                                        : " closed by shutdown"));
          return;
        }
        if (deadline - now < wait) {
          wait = deadline - now;
          deadline_first = true;
        }
      }
      std::array<pollfd, 2> fds{{{fd.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}}};
      // While stopping, the wake pipe is always readable: poll the client alone.
      nfds_t nfds = stopping ? 1 : 2;
      int r = ::poll(fds.data(), nfds, ToPollMs(wait));
      if (r < 0) {
        if (errno == EINTR) continue;
        Log("lmtp: client=" + peer + " " + ErrnoText("poll"));
        return;
      }
      if (r == 0) {
        if (deadline_first) continue;  // the loop head closes it
        WriteAll(fd.get(), "421 4.4.2 " + options_.hostname + " idle timeout, closing\r\n",
                 std::chrono::seconds(1));
        Log("lmtp: client=" + peer + " idle timeout");
        return;
      }
      if (nfds == 2 && fds[1].revents != 0) continue;  // Stop() began
      if (fds[0].revents == 0) continue;
      ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        Log("lmtp: client=" + peer + " " + ErrnoText("recv"));
        return;
      }
      if (n == 0) {
        Log("lmtp: client=" + peer +
            (session.in_transaction() ? " disconnected inside a transaction" : " disconnected"));
        return;
      }
      std::string out =
          session.OnBytes(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      if (!out.empty() && !WriteAll(fd.get(), out, options_.idle_timeout)) {
        Log("lmtp: client=" + peer + " write failed");
        return;
      }
    }
    Log("lmtp: client=" + peer + " quit");
  } catch (const std::exception& e) {
    Log("lmtp: client=" + peer + " session failed: " + e.what());
  } catch (...) {
    Log("lmtp: client=" + peer + " session failed");
  }
}

void Server::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

}  // namespace listd::lmtp
