// The LMTP server over real sockets on 127.0.0.1 (port 0: any free port).
#include "listd/lmtp/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fake_handler.h"
#include "listd/lmtp/unique_fd.h"

namespace listd::lmtp {
namespace {

using namespace std::chrono_literals;
using testing::FakeHandler;

// A blocking test client that reads replies line by line.
class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool connected() const { return connected_; }

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Sends what the peer takes within `timeout`, without insisting.
  void SendSome(std::string_view data, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!data.empty() && std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return;
      pollfd p{fd_.get(), POLLOUT, 0};
      ::poll(&p, 1, 20);
    }
  }

  // The next line without CRLF; nullopt on EOF or after `timeout`.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::size_t crlf = buffer_.find("\r\n");
      if (crlf != std::string::npos) {
        std::string line = buffer_.substr(0, crlf);
        buffer_.erase(0, crlf + 2);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char chunk[4096];
      ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // One whole reply (all continuation lines); returns its last line.
  std::string ReadReply(std::chrono::milliseconds timeout = 5000ms) {
    while (true) {
      std::optional<std::string> line = ReadLine(timeout);
      if (!line) return "<none>";
      if (line->size() < 4 || (*line)[3] != '-') return *line;
    }
  }

  // True when the server closes the connection within `timeout`.
  bool ClosedByPeer(std::chrono::milliseconds timeout = 5000ms) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (!buffer_.empty() || ::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return ::recv(fd_.get(), &c, 1, 0) == 0;
  }

 private:
  UniqueFd fd_;
  bool connected_ = false;
  std::string buffer_;
};

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.hostname = "lists.example";
  return options;
}

// Collects log lines from every thread.
struct LogSink {
  std::mutex mu;
  std::vector<std::string> lines;
  std::function<void(std::string_view)> Fn() {
    return [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(line);
    };
  }
  bool Contains(std::string_view part) {
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& l : lines) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("RFC 2033 §4.2, RFC 2920: a pipelined transaction over TCP", "[server]") {
  FakeHandler handler;
  LogSink log;
  ServerOptions options = TestOptions();
  options.log = log.Fn();
  Server server(handler, options);
  REQUIRE(server.Start().ok());
  REQUIRE(server.port() > 0);

  Client client(server.port());
  REQUIRE(client.connected());
  CHECK(client.ReadReply() == "220 lists.example LMTP listd ready");
  client.Send(
      "LHLO mta.example\r\n"
      "MAIL FROM:<alice@example.org>\r\n"
      "RCPT TO:<demo@lists.example>\r\n"
      "RCPT TO:<nobody@lists.example>\r\n"
      "RCPT TO:<full@lists.example>\r\n"
      "DATA\r\n");
  CHECK(client.ReadReply() == "250 SIZE 26214400");
  CHECK(client.ReadReply() == "250 2.1.0 Sender OK");
  CHECK(client.ReadReply() == "250 2.1.5 OK");
  CHECK(client.ReadReply() == "550 5.1.1 No such list");
  CHECK(client.ReadReply() == "250 2.1.5 OK");
  CHECK(client.ReadReply() == "354 Start mail input; end with <CRLF>.<CRLF>");
  client.Send("Subject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
  CHECK(client.ReadReply() == "250 2.1.5 demo@lists.example delivered");
  CHECK(client.ReadReply() == "452 4.2.2 Mailbox full");
  CHECK(client.ReadReply() == "221 2.0.0 lists.example closing connection");
  CHECK(client.ClosedByPeer());

  REQUIRE(handler.messages().size() == 1);
  CHECK(handler.messages()[0] == "Subject: hi\r\n\r\n.dot\r\n");
  CHECK(handler.envelopes()[0].client.starts_with("127.0.0.1:"));
  server.Stop();
  CHECK(log.Contains("listening on 127.0.0.1:"));
  CHECK(log.Contains("rcpts=2 replies=250,452"));
}

TEST_CASE("RFC 5321 §3.8: past max_connections a client gets 421 4.3.2 and a close", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client a(server.port());
  Client b(server.port());
  CHECK(a.ReadReply() == "220 lists.example LMTP listd ready");
  CHECK(b.ReadReply() == "220 lists.example LMTP listd ready");
  Client c(server.port());
  CHECK(c.ReadReply() == "421 4.3.2 lists.example too many connections");
  CHECK(c.ClosedByPeer());

  // A slot freed by QUIT is given to the next client.
  a.Send("QUIT\r\n");
  CHECK(a.ReadReply().starts_with("221 "));
  CHECK(a.ClosedByPeer());
  std::string greeting;
  for (int attempt = 0; attempt < 50; ++attempt) {
    Client d(server.port());
    greeting = d.ReadReply();
    if (greeting.starts_with("220 ")) break;
    std::this_thread::sleep_for(20ms);  // the finished thread is counted out just after close
  }
  CHECK(greeting == "220 lists.example LMTP listd ready");
}

TEST_CASE("RFC 5321 §4.5.3.2.7: a silent client gets 421 4.4.2 at the command deadline",
          "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.command_timeout = 1s;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client client(server.port());
  CHECK(client.ReadReply() == "220 lists.example LMTP listd ready");
  auto start = std::chrono::steady_clock::now();
  CHECK(client.ReadReply(5000ms) == "421 4.4.2 lists.example command timeout, closing");
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 900ms);
  CHECK(waited < 4s);
  CHECK(client.ClosedByPeer());
}

// Finding: 20 clients sending a byte every 5 s held every slot for good,
// since each byte restarted a per-read timeout. The deadline is per line.
TEST_CASE("RFC 5321 §4.5.3.2: bytes trickled a few at a time do not extend the command deadline",
          "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.command_timeout = 1s;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  SECTION("a command line") {
    Client client(server.port());
    CHECK(client.ReadReply() == "220 lists.example LMTP listd ready");
    auto start = std::chrono::steady_clock::now();
    std::string reply = "<none>";
    for (int i = 0; i < 40 && reply == "<none>"; ++i) {
      client.Send("N");  // "NNNN...", never a whole line
      reply = client.ReadReply(100ms);
    }
    CHECK(reply == "421 4.4.2 lists.example command timeout, closing");
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= 900ms);
    CHECK(waited < 3s);
  }
  SECTION("a line of the message") {
    Client client(server.port());
    CHECK(client.ReadReply().starts_with("220 "));
    client.Send("LHLO mta\r\nMAIL FROM:<a@x>\r\nRCPT TO:<demo@l>\r\nDATA\r\n");
    CHECK(client.ReadReply().starts_with("250 SIZE"));
    CHECK(client.ReadReply().starts_with("250 "));
    CHECK(client.ReadReply().starts_with("250 "));
    CHECK(client.ReadReply().starts_with("354 "));
    std::string reply = "<none>";
    for (int i = 0; i < 40 && reply == "<none>"; ++i) {
      client.Send("x");
      reply = client.ReadReply(100ms);
    }
    CHECK(reply == "421 4.4.2 lists.example data timeout, closing");
    CHECK(handler.messages().empty());
  }
}

TEST_CASE("RFC 5321 §3.8: a busy client is closed at the session deadline", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.command_timeout = 1s;
  options.session_timeout = 1500ms;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client client(server.port());
  auto start = std::chrono::steady_clock::now();
  CHECK(client.ReadReply() == "220 lists.example LMTP listd ready");
  std::string reply;
  int answered = 0;
  for (int i = 0; i < 40; ++i) {
    client.Send("NOOP\r\n");  // a whole command every 100 ms: never late for a line
    reply = client.ReadReply(1000ms);
    if (reply != "250 2.0.0 OK") break;
    ++answered;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(reply == "421 4.4.2 lists.example session time limit, closing");
  CHECK(answered >= 5);
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 1400ms);
  CHECK(waited < 4s);
}

TEST_CASE("RFC 5321 §3.8: Stop() lets a transaction in DATA finish, closes idle sessions",
          "[server]") {
  FakeHandler handler;
  Server server(handler, TestOptions());
  REQUIRE(server.Start().ok());
  const int port = server.port();

  Client busy(port);
  Client idle(port);
  CHECK(busy.ReadReply().starts_with("220 "));
  CHECK(idle.ReadReply().starts_with("220 "));
  busy.Send("LHLO mta\r\nMAIL FROM:<a@x>\r\nRCPT TO:<demo@l>\r\nDATA\r\n");
  CHECK(busy.ReadReply() == "250 SIZE 26214400");
  CHECK(busy.ReadReply().starts_with("250 "));
  CHECK(busy.ReadReply().starts_with("250 "));
  CHECK(busy.ReadReply().starts_with("354 "));
  busy.Send("Subject: half\r\n\r\nfirst half\r\n");

  auto stopped = std::async(std::launch::async, [&server] { server.Stop(); });
  CHECK(idle.ReadReply() == "421 4.3.2 lists.example shutting down");
  CHECK(idle.ClosedByPeer());
  CHECK(stopped.wait_for(300ms) == std::future_status::timeout);  // still draining

  // The listening socket is closed: a new client cannot get in.
  Client late(port);
  CHECK((!late.connected() || late.ReadReply(1000ms) == "<none>"));

  busy.Send("second half\r\n.\r\n");
  CHECK(busy.ReadReply() == "250 2.1.5 demo@l delivered");
  CHECK(busy.ReadReply() == "421 4.3.2 lists.example shutting down");
  CHECK(busy.ClosedByPeer());
  CHECK(stopped.wait_for(5s) == std::future_status::ready);
  REQUIRE(handler.messages().size() == 1);
  CHECK(handler.messages()[0] == "Subject: half\r\n\r\nfirst half\r\nsecond half\r\n");
}

TEST_CASE("RFC 5321 §3.8: Stop() gives up on a stalled transaction at drain_timeout", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.drain_timeout = 1s;
  Server server(handler, options);
  REQUIRE(server.Start().ok());
  Client stalled(server.port());
  CHECK(stalled.ReadReply().starts_with("220 "));
  stalled.Send("LHLO mta\r\nMAIL FROM:<a@x>\r\nRCPT TO:<demo@l>\r\nDATA\r\nsome\r\n");
  for (int i = 0; i < 4; ++i) stalled.ReadReply();
  auto start = std::chrono::steady_clock::now();
  server.Stop();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 900ms);
  CHECK(took < 4s);
  CHECK(stalled.ReadReply() == "421 4.3.2 lists.example shutting down");
  CHECK(handler.messages().empty());
}

TEST_CASE("server: Start() reports a port already in use, and Stop() is idempotent", "[server]") {
  FakeHandler handler;
  Server first(handler, TestOptions());
  REQUIRE(first.Start().ok());
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(handler, options);
  base::Status status = second.Start();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().find("bind") != std::string::npos);
  first.Stop();
  first.Stop();
  second.Stop();  // never started
}

TEST_CASE("server: IPv6 loopback when the host has it", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.host = "::1";
  Server server(handler, options);
  base::Status status = server.Start();
  if (!status.ok()) {
    WARN("no IPv6 loopback here: " << status.error());
    return;
  }
  UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin6_addr = in6addr_loopback;
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  char buf[64] = {};
  ssize_t n = ::recv(fd.get(), buf, sizeof buf - 1, 0);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0).starts_with("220 "));
}

TEST_CASE("server: past max_connections_per_peer one address gets 421 4.3.2, others go on",
          "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.max_connections = 10;
  options.max_connections_per_peer = 2;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client a(server.port());
  Client b(server.port());
  CHECK(a.ReadReply() == "220 lists.example LMTP listd ready");
  CHECK(b.ReadReply() == "220 lists.example LMTP listd ready");
  Client c(server.port());
  CHECK(c.ReadReply() == "421 4.3.2 lists.example too many connections from 127.0.0.1");
  CHECK(c.ClosedByPeer());
  // The two admitted sessions are unaffected, and a freed slot is given out.
  b.Send("NOOP\r\n");
  CHECK(b.ReadReply() == "250 2.0.0 OK");
  a.Send("QUIT\r\n");
  CHECK(a.ReadReply().starts_with("221 "));
  CHECK(a.ClosedByPeer());
  Client d(server.port());
  CHECK(d.ReadReply() == "220 lists.example LMTP listd ready");
}

// Finding 1 over TCP: "\n.\n" once ended DATA, and what followed ran as a
// second transaction that the list then signed.
TEST_CASE("RFC 5321 §4.1.1.4: over TCP, a bare-LF dot line smuggles no second post", "[server]") {
  FakeHandler handler;
  Server server(handler, TestOptions());
  REQUIRE(server.Start().ok());
  Client client(server.port());
  CHECK(client.ReadReply().starts_with("220 "));
  client.Send(
      "LHLO mta\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<demo@l>\r\nDATA\r\n"
      "Subject: one\r\n\r\nhello\n.\n"
      "MAIL FROM:<forged@example.org>\r\nRCPT TO:<demo@l>\r\nDATA\r\n"
      "Subject: smuggled\r\n\r\nsigned by the list\r\n.\r\nQUIT\r\n");
  CHECK(client.ReadReply().starts_with("250 SIZE"));
  CHECK(client.ReadReply() == "250 2.1.0 Sender OK");
  CHECK(client.ReadReply() == "250 2.1.5 OK");
  CHECK(client.ReadReply().starts_with("354 "));
  CHECK(client.ReadReply() == "250 2.1.5 demo@l delivered");
  CHECK(client.ReadReply() == "221 2.0.0 lists.example closing connection");
  CHECK(client.ClosedByPeer());
  REQUIRE(handler.messages().size() == 1);
  CHECK(handler.envelopes()[0].mail_from == "alice@example.org");
  CHECK(handler.messages()[0] ==
        "Subject: one\r\n\r\nhello\r\n.\r\nMAIL FROM:<forged@example.org>\r\n"
        "RCPT TO:<demo@l>\r\nDATA\r\nSubject: smuggled\r\n\r\nsigned by the list\r\n");
}

TEST_CASE("server: a client that never reads its replies holds up no one else", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.workers = 1;  // one worker: had it blocked on a write, nobody else is served
  options.command_timeout = 2s;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client greedy(server.port());
  CHECK(greedy.ReadReply().starts_with("220 "));
  // Megabytes of pipelined commands whose replies fill every socket buffer.
  std::string noops;
  for (int i = 0; i < 20000; ++i) noops += "NOOP\r\n";
  auto pusher = std::async(std::launch::async, [&] {
    for (int i = 0; i < 50; ++i) greedy.SendSome(noops, 200ms);
  });
  std::this_thread::sleep_for(300ms);  // let the replies pile up

  Client other(server.port());
  CHECK(other.ReadReply(1000ms) == "220 lists.example LMTP listd ready");
  other.Send("LHLO mta\r\nQUIT\r\n");
  CHECK(other.ReadReply(1000ms).starts_with("250 SIZE"));
  CHECK(other.ReadReply(1000ms).starts_with("221 "));
  pusher.wait();
}

namespace {

// The process's descriptor limit raised to at least `wanted`, if the hard
// limit allows; returns the soft limit then in force.
rlim_t RaiseDescriptorLimit(rlim_t wanted) {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return 0;
  if (files.rlim_cur == RLIM_INFINITY || files.rlim_cur >= wanted) return files.rlim_cur;
  files.rlim_cur = files.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, files.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &files);
  ::getrlimit(RLIMIT_NOFILE, &files);
  return files.rlim_cur;
}

// "Threads:" of /proc/self/status.
int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
  }
  return -1;
}

// A slowloris: a connection that trickles a command, a byte now and then.
struct SlowClient {
  UniqueFd fd;
  std::chrono::steady_clock::time_point connected;
  std::string received;
  bool closed = false;
  std::chrono::steady_clock::time_point closed_at;
};

// Reads what a non-blocking slow client has been sent; notes EOF.
void Drain(SlowClient& c) {
  char buf[512];
  while (!c.closed) {
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      c.received.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      c.closed = true;
      c.closed_at = std::chrono::steady_clock::now();
    } else {
      return;
    }
  }
}

}  // namespace

TEST_CASE("server: Start() raises a soft descriptor limit too low for max_connections",
          "[server]") {
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 1100) {
    FAIL("the hard descriptor limit " << saved.rlim_max << " is below what this test needs");
  }
  rlimit low = saved;
  low.rlim_cur = 256;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  FakeHandler handler;
  LogSink log;
  ServerOptions options = TestOptions();
  options.max_connections = 1000;
  options.log = log.Fn();
  Server server(handler, options);
  base::Status started = server.Start();
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  REQUIRE(started.ok());
  CHECK(now.rlim_cur >= 1000 + 64);
  CHECK(log.Contains("lmtp: raised the descriptor limit from 256 to 1064 for 1000 connections"));
}

// Finding 3: 20 slow clients took every slot, and the MTA got 421 for as
// long as they kept trickling. Now a slow client holds a descriptor, not a
// thread or a slot the MTA needs; and every one of them is closed at the
// command deadline however it trickles.
TEST_CASE(
    "RFC 5321 §4.5.3.2: a legitimate client is served while 500 slow clients are connected, "
    "and the slow ones are closed at the deadline",
    "[server][slow]") {
  constexpr int kSlow = 500;
  // Both ends of every connection live in this process: 2 x 500 and some.
  const rlim_t limit = RaiseDescriptorLimit(4096);
  INFO("descriptor limit " << limit);
  REQUIRE(limit >= 2 * kSlow + 200);

  FakeHandler handler;
  ServerOptions options = TestOptions();          // max_connections and workers: the defaults
  options.max_connections_per_peer = kSlow + 10;  // every client here is 127.0.0.1
  options.command_timeout = 4s;
  const int threads_before = ThreadCount();
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  std::vector<SlowClient> slow(kSlow);
  for (SlowClient& c : slow) {
    c.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(c.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    c.connected = std::chrono::steady_clock::now();
  }
  // Each is greeted, then starts a command it will never finish.
  auto greeted_by = std::chrono::steady_clock::now() + 10s;
  for (SlowClient& c : slow) {
    while (c.received.find("\r\n") == std::string::npos && !c.closed &&
           std::chrono::steady_clock::now() < greeted_by) {
      pollfd p{c.fd.get(), POLLIN, 0};
      ::poll(&p, 1, 100);
      Drain(c);
    }
    REQUIRE(c.received == "220 lists.example LMTP listd ready\r\n");
    c.received.clear();
    REQUIRE(::send(c.fd.get(), "L", 1, MSG_NOSIGNAL) == 1);
  }
  const int threads_with_500 = ThreadCount();
  auto trickle = [&slow](char byte) {
    for (SlowClient& c : slow) {
      if (!c.closed) ::send(c.fd.get(), &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  };
  std::this_thread::sleep_for(1s);
  trickle('H');

  // The MTA: a whole transaction, at once, while all 500 are connected.
  auto legit_start = std::chrono::steady_clock::now();
  Client mta(server.port());
  REQUIRE(mta.connected());
  CHECK(mta.ReadReply(2000ms) == "220 lists.example LMTP listd ready");
  mta.Send("LHLO mta\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<demo@l>\r\nDATA\r\n");
  CHECK(mta.ReadReply(2000ms).starts_with("250 SIZE"));
  CHECK(mta.ReadReply(2000ms) == "250 2.1.0 Sender OK");
  CHECK(mta.ReadReply(2000ms) == "250 2.1.5 OK");
  CHECK(mta.ReadReply(2000ms).starts_with("354 "));
  mta.Send("Subject: served\r\n\r\nwhile 500 trickle\r\n.\r\nQUIT\r\n");
  CHECK(mta.ReadReply(2000ms) == "250 2.1.5 demo@l delivered");
  CHECK(mta.ReadReply(2000ms).starts_with("221 "));
  const auto served_in = std::chrono::steady_clock::now() - legit_start;
  REQUIRE(handler.messages().size() == 1);
  CHECK(handler.messages()[0] == "Subject: served\r\n\r\nwhile 500 trickle\r\n");
  // And they were all still there while it was served.
  int still_connected = 0;
  for (SlowClient& c : slow) {
    Drain(c);
    if (!c.closed && c.received.empty()) ++still_connected;
  }
  CHECK(still_connected == kSlow);
  // Threads do not grow with connections: the I/O thread and the workers.
  INFO("threads before " << threads_before << ", with 500 slow clients " << threads_with_500);
  CHECK(threads_with_500 - threads_before <= options.workers + 1);
  CHECK(served_in < 3s);

  // Trickling on, every slow client is closed at its command deadline.
  auto all_closed_by = std::chrono::steady_clock::now() + options.command_timeout + 10s;
  char next = 'L';
  auto last_trickle = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < all_closed_by &&
         std::any_of(slow.begin(), slow.end(), [](const SlowClient& c) { return !c.closed; })) {
    if (std::chrono::steady_clock::now() - last_trickle >= 1s) {
      trickle(next);
      next = next == 'L' ? 'O' : 'L';
      last_trickle = std::chrono::steady_clock::now();
    }
    std::vector<pollfd> fds;
    for (SlowClient& c : slow) {
      if (!c.closed) fds.push_back({c.fd.get(), POLLIN, 0});
    }
    ::poll(fds.data(), fds.size(), 100);
    for (SlowClient& c : slow) Drain(c);
  }
  int closed_at_deadline = 0;
  for (const SlowClient& c : slow) {
    if (c.closed && c.received == "421 4.4.2 lists.example command timeout, closing\r\n" &&
        c.closed_at - c.connected >= options.command_timeout - 100ms) {
      ++closed_at_deadline;
    }
  }
  CHECK(closed_at_deadline == kSlow);
}

TEST_CASE("RFC 5321 §3.8: a client that hangs up mid-transaction frees its slot at once",
          "[server]") {
  FakeHandler handler;
  LogSink log;
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  options.log = log.Fn();
  Server server(handler, options);
  REQUIRE(server.Start().ok());
  {
    Client a(server.port());
    CHECK(a.ReadReply() == "220 lists.example LMTP listd ready");
    a.Send("LHLO x\r\nMAIL FROM:<a@x>\r\n");
    CHECK(a.ReadReply().starts_with("250 "));  // LHLO
    CHECK(a.ReadReply() == "250 2.1.0 Sender OK");
  }  // closed without QUIT: recv() reads 0, the end of the stream
  std::string greeting;
  for (int attempt = 0; attempt < 50 && !greeting.starts_with("220 "); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(20ms);  // the close is seen just after
    Client b(server.port());
    greeting = b.ReadReply();
  }
  CHECK(greeting == "220 lists.example LMTP listd ready");
  CHECK(log.Contains("disconnected inside a transaction"));
  CHECK(handler.messages().empty());
}

TEST_CASE("server: a read of exactly one 64 KiB buffer and the bytes after it are one stream",
          "[server]") {
  // The I/O thread reads into a 64 KiB buffer and hands each read to the
  // session whole; a message line crossing that boundary loses nothing.
  FakeHandler handler;
  ServerOptions options = TestOptions();
  Server server(handler, options);
  REQUIRE(server.Start().ok());
  Client c(server.port());
  CHECK(c.ReadReply() == "220 lists.example LMTP listd ready");
  c.Send("LHLO x\r\nMAIL FROM:<a@x>\r\nRCPT TO:<demo@l>\r\nDATA\r\n");
  CHECK(c.ReadReply().starts_with("250 "));  // LHLO
  CHECK(c.ReadReply() == "250 2.1.0 Sender OK");
  CHECK(c.ReadReply() == "250 2.1.5 OK");
  CHECK(c.ReadReply().starts_with("354 "));
  std::string body;
  for (int i = 0; body.size() < 200000; ++i) body += "line " + std::to_string(i) + " of data\r\n";
  c.Send(body + ".\r\n");
  CHECK(c.ReadReply() == "250 2.1.5 demo@l delivered");
  REQUIRE(handler.messages().size() == 1);
  CHECK(handler.messages()[0] == body);
}

}  // namespace listd::lmtp
