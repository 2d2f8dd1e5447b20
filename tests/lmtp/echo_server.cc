// lmtp_echo_server: a tiny LMTP server for interop tests with independent
// clients (smtplib_interop_test.py).
//
//   lmtp_echo_server OUTDIR
// listens on 127.0.0.1, any free port, prints "PORT <n>" on stdout, and
// runs until stdin closes. Recipients whose local part starts "nobody" are
// refused (550 5.1.1), "full" get 452 4.2.2 after DATA; every delivered
// message is written to OUTDIR/<n>.eml with the envelope in OUTDIR/<n>.env
// (first line MAIL FROM, then one recipient a line).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

#include "listd/lmtp/server.h"

namespace {

using listd::lmtp::Envelope;
using listd::lmtp::Reply;

class FileHandler : public listd::lmtp::Handler {
 public:
  explicit FileHandler(std::string dir) : dir_(std::move(dir)) {}

  Reply CheckRecipient(std::string_view, std::string_view recipient) override {
    if (recipient.starts_with("nobody")) return {550, "5.1.1", "No such list"};
    return {250, "2.1.5", "OK"};
  }

  std::vector<Reply> Deliver(const Envelope& envelope, std::string message) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string base = dir_ + "/" + std::to_string(++count_);
    std::ofstream(base + ".eml", std::ios::binary) << message;
    std::ofstream env(base + ".env", std::ios::binary);
    env << envelope.mail_from << "\n";
    std::vector<Reply> replies;
    for (const std::string& r : envelope.recipients) {
      env << r << "\n";
      if (r.starts_with("full")) {
        replies.push_back({452, "4.2.2", "Mailbox full"});
      } else {
        replies.push_back({250, "2.1.5", r + " delivered"});
      }
    }
    return replies;
  }

 private:
  std::mutex mu_;
  std::string dir_;
  int count_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: lmtp_echo_server OUTDIR\n";
    return 2;
  }
  FileHandler handler(argv[1]);
  listd::lmtp::ServerOptions options;
  options.port = 0;
  options.hostname = "echo.test";
  options.max_message_bytes = 100000;
  options.log = [](std::string_view line) { std::cerr << line << "\n"; };
  listd::lmtp::Server server(handler, options);
  if (base::Status s = server.Start(); !s.ok()) {
    std::cerr << s.error() << "\n";
    return 1;
  }
  std::cout << "PORT " << server.port() << std::endl;
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  server.Stop();
  return 0;
}
