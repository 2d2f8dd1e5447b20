#include "sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace delivery_test {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    FAIL(std::string(name) +
         " is not set: run delivery_tests through ctest or "
         "tests/support/smtp_sink.py -- delivery_tests");
  }
  return value;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string SinkAddress() { return Env("LISTD_TEST_SMTP"); }

std::string SinkUrl() { return "smtp://" + SinkAddress(); }

std::string SinkTlsCert() { return Env("LISTD_TEST_SMTP_TLS_CERT"); }

std::vector<SinkMessage> MessagesFor(const std::string& recipient) {
  std::vector<std::filesystem::path> messages;
  for (const auto& entry : std::filesystem::directory_iterator(Env("LISTD_TEST_SMTP_DIR"))) {
    if (entry.path().extension() == ".eml") messages.push_back(entry.path());
  }
  std::sort(messages.begin(), messages.end());
  std::vector<SinkMessage> out;
  for (const auto& eml : messages) {
    auto json_path = eml;
    json_path.replace_extension(".json");
    auto envelope = nlohmann::json::parse(ReadFile(json_path));
    if (envelope.value("recipient", "") == recipient) out.push_back({envelope, ReadFile(eml)});
  }
  return out;
}

std::vector<nlohmann::json> TransactionsFrom(const std::string& mail_from) {
  std::ifstream in(std::filesystem::path(Env("LISTD_TEST_SMTP_DIR")) / "log.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto entry = nlohmann::json::parse(line);
    if (entry.value("event", "") == "transaction" && entry.value("mail_from", "") == mail_from) {
      out.push_back(entry);
    }
  }
  return out;
}

void SetControl(const nlohmann::json& control) {
  std::string path = Env("LISTD_TEST_SMTP_CONTROL");
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << control.dump();
  }
  std::filesystem::rename(tmp, path);
}

TlsRefusingSmarthost::TlsRefusingSmarthost(Refusal refusal) : refusal_(refusal) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
  REQUIRE(::listen(listen_fd_, 8) == 0);
  REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

TlsRefusingSmarthost::~TlsRefusingSmarthost() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string TlsRefusingSmarthost::Url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

size_t TlsRefusingSmarthost::CopiesFor(const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = copies_.find(recipient);
  return it == copies_.end() ? 0 : it->second;
}

void TlsRefusingSmarthost::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    Converse(fd);
    ::close(fd);
  }
}

void TlsRefusingSmarthost::Converse(int fd) {
  auto say = [fd](const std::string& reply) {
    (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  };
  std::string in;
  // The next CRLF-ended line, or false when the peer left or we stop.
  auto line = [&](std::string& out) {
    for (;;) {
      auto end = in.find("\r\n");
      if (end != std::string::npos) {
        out = in.substr(0, end);
        in.erase(0, end + 2);
        return true;
      }
      pollfd p{fd, POLLIN, 0};
      if (stop_) return false;
      if (::poll(&p, 1, 100) <= 0) continue;
      char buffer[4096];
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      in.append(buffer, static_cast<size_t>(n));
    }
  };
  say("220 refuser.test ESMTP\r\n");
  std::vector<std::string> rcpts;
  for (std::string command; line(command);) {
    std::string verb = command.substr(0, 4);
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "EHLO") {
      say("250-refuser.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
    } else if (command == "STARTTLS" || command == "starttls") {
      ++starttls_seen_;
      if (refusal_ == Refusal::kAnswer454) {
        say("454 4.7.0 TLS not available due to temporary reason\r\n");
      } else {
        say("220 2.0.0 Ready to start TLS\r\n");
        // Wait for the ClientHello (so the 220 is read alone), then answer
        // it with bytes that are no TLS record: the handshake fails.
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) > 0) {
          char hello[4096];
          (void)!::recv(fd, hello, sizeof hello, 0);
        }
        say("this is no TLS record\r\n");
        return;
      }
    } else if (verb == "MAIL") {
      rcpts.clear();
      say("250 2.1.0 ok\r\n");
    } else if (verb == "RCPT") {
      auto open = command.find('<'), close = command.find('>');
      if (open != std::string::npos && close != std::string::npos && close > open) {
        rcpts.push_back(command.substr(open + 1, close - open - 1));
      }
      say("250 2.1.5 ok\r\n");
    } else if (verb == "DATA") {
      say("354 go ahead\r\n");
      for (std::string data; line(data) && data != ".";) {
      }
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& r : rcpts) ++copies_[r];
      say("250 2.0.0 stored\r\n");
    } else if (verb == "QUIT") {
      say("221 2.0.0 bye\r\n");
      return;
    } else {
      say("250 2.0.0 ok\r\n");  // RSET, NOOP, HELO
    }
  }
}

}  // namespace delivery_test
