// The LMTP server over real sockets on 127.0.0.1 (port 0: any free port).
#include "listd/lmtp/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <chrono>
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

TEST_CASE("RFC 5321 §4.5.3.2: an idle client gets 421 4.4.2 and a close", "[server]") {
  FakeHandler handler;
  ServerOptions options = TestOptions();
  options.idle_timeout = 1s;
  Server server(handler, options);
  REQUIRE(server.Start().ok());

  Client client(server.port());
  CHECK(client.ReadReply() == "220 lists.example LMTP listd ready");
  auto start = std::chrono::steady_clock::now();
  CHECK(client.ReadReply(5000ms) == "421 4.4.2 lists.example idle timeout, closing");
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 900ms);
  CHECK(waited < 4s);
  CHECK(client.ClosedByPeer());
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

TEST_CASE("server: Start() reports a port already in use; Stop() is idempotent", "[server]") {
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

}  // namespace listd::lmtp
