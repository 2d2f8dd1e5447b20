// SmtpTransport against the SMTP sink on 127.0.0.1 (tests/support/
// smtp_sink.py, started by ctest). Each test uses addresses of its own, so
// that what the sink stored and logged can be told apart; faults are set
// through the sink's control file and cleared when the test ends.
#include "listd/delivery/smtp_transport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "listd/delivery/transport.h"
#include "sink.h"

namespace {

using delivery_test::ControlReset;
using delivery_test::MessagesFor;
using delivery_test::SetControl;
using delivery_test::SinkUrl;
using delivery_test::TransactionsFrom;
using listd::delivery::MakeTransportFactory;
using listd::delivery::Outcome;
using listd::delivery::SendResult;
using listd::delivery::StartTls;
using listd::delivery::Transport;
using listd::delivery::TransportOptions;

// A message whose lines start with dots, one of them a lone ".", which
// would end the mail data if the client did not stuff it.
const std::string kMessage =
    "From: list@example.net\r\n"
    "To: members@example.net\r\n"
    "Subject: dots\r\n"
    "\r\n"
    ".leading dot\r\n"
    "..two dots\r\n"
    ".\r\n"
    "last line\r\n";

std::unique_ptr<Transport> MakeSmtp(const std::string& target, int timeout_seconds = 10,
                                    StartTls starttls = StartTls::kOpportunistic) {
  TransportOptions options;
  options.target = target;
  options.timeouts = listd::delivery::SmtpTimeouts::All(std::chrono::seconds(timeout_seconds));
  options.starttls = starttls;
  auto factory = MakeTransportFactory(options);
  INFO((factory.ok() ? std::string() : factory.error()));
  REQUIRE(factory.ok());
  return (*factory)();
}

std::string Describe(const SendResult& result) {
  std::string out = "error: '" + result.error + "'\n";
  for (const auto& r : result.recipients) {
    out += r.recipient + " " + std::string(listd::delivery::OutcomeName(r.outcome)) + " " +
           std::to_string(r.code) + " '" + r.reply + "'\n";
  }
  return out;
}

// A 127.0.0.1 port that refuses connections: bound, never listening.
class ClosedPort {
 public:
  ClosedPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace

TEST_CASE("RFC 5321 3.3: one transaction delivers to three recipients, dots intact (4.5.2)",
          "[smtp]") {
  auto transport = MakeSmtp(SinkUrl());
  std::vector<std::string> rcpts = {"a@three.example", "b@three.example", "c@three.example"};
  SendResult result = transport->Send("list-bounces@three.example", rcpts, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  REQUIRE(result.recipients.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(result.recipients[i].recipient == rcpts[i]);
    CHECK(result.recipients[i].outcome == Outcome::kDelivered);
    CHECK(result.recipients[i].code == 250);
    auto stored = MessagesFor(rcpts[i]);
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].data == kMessage);  // byte for byte: stuffed by curl, unstuffed by the sink
    CHECK(stored[0].envelope["mail_from"] == "list-bounces@three.example");
  }
  auto log = TransactionsFrom("list-bounces@three.example");
  REQUIRE(log.size() == 1);
  CHECK(log[0]["rcpts"].size() == 3);
}

TEST_CASE("RFC 5321 4.5.5: the null reverse-path is sent as MAIL FROM:<>", "[smtp]") {
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("", {"x@null-sender.example"}, kMessage);
  INFO(Describe(result));
  REQUIRE(result.recipients.size() == 1);
  CHECK(result.recipients[0].outcome == Outcome::kDelivered);
  auto stored = MessagesFor("x@null-sender.example");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].envelope["mail_from"] == "");
}

TEST_CASE("RFC 5321 4.2.1: a 550 to one RCPT fails that recipient only, permanently", "[smtp]") {
  ControlReset reset;
  SetControl({{"reject_rcpt", {{"bob@reject.example", "550 5.1.1 no such user"}}}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send(
      "bounces@reject.example",
      {"alice@reject.example", "bob@reject.example", "carol@reject.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  REQUIRE(result.recipients.size() == 3);
  CHECK(result.recipients[0].outcome == Outcome::kDelivered);
  CHECK(result.recipients[1].outcome == Outcome::kPermFail);
  CHECK(result.recipients[1].code == 550);
  CHECK(result.recipients[1].reply == "550 5.1.1 no such user");
  CHECK(result.recipients[2].outcome == Outcome::kDelivered);
  CHECK(MessagesFor("alice@reject.example").size() == 1);
  CHECK(MessagesFor("bob@reject.example").empty());
  CHECK(MessagesFor("carol@reject.example").size() == 1);
}

TEST_CASE("RFC 5321 4.2.1: a 450 to one RCPT is a temporary failure of that recipient", "[smtp]") {
  ControlReset reset;
  SetControl({{"tempfail_rcpt", {{"busy@tempfail.example", "450 4.2.1 busy"}}}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@tempfail.example",
                                      {"busy@tempfail.example", "ok@tempfail.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  REQUIRE(result.recipients.size() == 2);
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
  CHECK(result.recipients[0].code == 450);
  CHECK(result.recipients[0].reply == "450 4.2.1 busy");
  CHECK(result.recipients[1].outcome == Outcome::kDelivered);
}

TEST_CASE("RFC 5321 4.2.1: every RCPT refused: each keeps its own reply; the next batch goes",
          "[smtp]") {
  ControlReset reset;
  SetControl({{"reject_rcpt",
               {{"r1@allrefused.example", "550 5.1.1 no such user"},
                {"r2@allrefused.example", "452 4.2.2 mailbox full"}}}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@allrefused.example",
                                      {"r1@allrefused.example", "r2@allrefused.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  REQUIRE(result.recipients.size() == 2);
  CHECK(result.recipients[0].outcome == Outcome::kPermFail);
  CHECK(result.recipients[0].reply == "550 5.1.1 no such user");
  CHECK(result.recipients[1].outcome == Outcome::kTempFail);
  CHECK(result.recipients[1].reply == "452 4.2.2 mailbox full");

  SendResult next =
      transport->Send("bounces@allrefused.example", {"r3@allrefused.example"}, kMessage);
  INFO(Describe(next));
  CHECK(next.error.empty());
  CHECK(next.recipients[0].outcome == Outcome::kDelivered);
}

TEST_CASE("RFC 5321 3.8: 421 to MAIL fails the transaction, every recipient temporarily",
          "[smtp]") {
  ControlReset reset;
  SetControl({{"fail_next_transactions", 1}, {"fail_code", "421 4.3.2 try later"}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result =
      transport->Send("bounces@421.example", {"a@421.example", "b@421.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  CHECK(result.error.find("421") != std::string::npos);
  for (const auto& r : result.recipients) {
    CHECK(r.outcome == Outcome::kTempFail);
    CHECK(r.code == 421);
  }
  CHECK(MessagesFor("a@421.example").empty());

  // The server closed; the transport must open a new connection.
  SendResult next = transport->Send("bounces@421.example", {"a@421.example"}, kMessage);
  INFO(Describe(next));
  CHECK(next.error.empty());
  CHECK(next.recipients[0].outcome == Outcome::kDelivered);
}

TEST_CASE("RFC 5321 4.2.1: 5yz to MAIL refuses the message, not the recipients", "[smtp]") {
  ControlReset reset;
  SetControl({{"fail_next_transactions", 1}, {"fail_code", "550 5.7.1 sender refused"}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@550mail.example",
                                      {"a@550mail.example", "b@550mail.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  for (const auto& r : result.recipients) {
    CHECK(r.outcome == Outcome::kRefused);  // a sender verdict: no bounce of anyone
    CHECK(r.reply == "550 5.7.1 sender refused");
  }
}

TEST_CASE("RFC 5321 4.1.1.4: a 554 to the end of DATA refuses the message for the accepted",
          "[smtp]") {
  ControlReset reset;
  SetControl({{"fail_next_data", 1}, {"data_code", "554 5.6.0 content rejected"}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@554data.example",
                                      {"a@554data.example", "b@554data.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  for (const auto& r : result.recipients) {
    CHECK(r.outcome == Outcome::kRefused);  // a content verdict: no bounce of anyone
    CHECK(r.code == 554);
  }
  CHECK(MessagesFor("a@554data.example").empty());
}

TEST_CASE("A refused connection is a transaction error; every recipient fails temporarily",
          "[smtp]") {
  ClosedPort closed;
  auto transport = MakeSmtp("smtp://127.0.0.1:" + std::to_string(closed.port()));
  SendResult result = transport->Send("bounces@refused.example",
                                      {"a@refused.example", "b@refused.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  REQUIRE(result.recipients.size() == 2);
  for (const auto& r : result.recipients) {
    CHECK(r.outcome == Outcome::kTempFail);
    CHECK(r.code == 0);
  }
}

TEST_CASE("RFC 5321 3.3: two batches on one transport share one connection", "[smtp]") {
  auto transport = MakeSmtp(SinkUrl());
  SendResult first = transport->Send("bounces@reuse.example", {"a@reuse.example"}, kMessage);
  SendResult second = transport->Send("bounces@reuse.example", {"b@reuse.example"}, kMessage);
  INFO(Describe(first) + Describe(second));
  CHECK(first.recipients[0].outcome == Outcome::kDelivered);
  CHECK(second.recipients[0].outcome == Outcome::kDelivered);
  auto log = TransactionsFrom("bounces@reuse.example");
  REQUIRE(log.size() == 2);
  CHECK(log[0]["conn"] == log[1]["conn"]);
}

TEST_CASE("A connection dropped after DATA fails the batch; the next batch goes on a new one",
          "[smtp]") {
  ControlReset reset;
  auto transport = MakeSmtp(SinkUrl());
  SendResult warm = transport->Send("bounces@drop.example", {"warm@drop.example"}, kMessage);
  CHECK(warm.recipients[0].outcome == Outcome::kDelivered);
  SetControl({{"drop_connection_after_data", 1}});
  SendResult dropped = transport->Send("bounces@drop.example", {"a@drop.example"}, kMessage);
  INFO(Describe(dropped));
  CHECK_FALSE(dropped.error.empty());
  CHECK(dropped.recipients[0].outcome == Outcome::kTempFail);
  SendResult next = transport->Send("bounces@drop.example", {"a@drop.example"}, kMessage);
  INFO(Describe(next));
  CHECK(next.error.empty());
  CHECK(next.recipients[0].outcome == Outcome::kDelivered);
  auto log = TransactionsFrom("bounces@drop.example");
  REQUIRE(log.size() == 3);
  CHECK(log[1]["result"] == "dropped");
  CHECK(log[2]["conn"] != log[1]["conn"]);
}

TEST_CASE("RFC 5321 4.5.3.2: a server slower than the timeout is a temporary failure", "[smtp]") {
  ControlReset reset;
  SetControl({{"delay_seconds", 3}});
  auto transport = MakeSmtp(SinkUrl(), /*timeout_seconds=*/1);
  SendResult result = transport->Send("bounces@slow.example", {"a@slow.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
}

TEST_CASE("RFC 3207: required STARTTLS that the server does not offer fails the batch", "[smtp]") {
  auto transport = MakeSmtp(SinkUrl(), 10, StartTls::kRequired);
  SendResult result = transport->Send("bounces@tls.example", {"a@tls.example"}, kMessage);
  INFO(Describe(result));
  CHECK_THAT(result.error, Catch::Contains("SSL"));   // curl: "Requested SSL level failed"
  CHECK(result.recipients[0].reply == result.error);  // the reason, for the batch's last_error
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
  CHECK(MessagesFor("a@tls.example").empty());
}

TEST_CASE("Addresses with line breaks or brackets are never sent", "[smtp]") {
  auto transport = MakeSmtp(SinkUrl());
  SendResult result =
      transport->Send("bounces@inject.example",
                      {"a@inject.example>\r\nRCPT TO:<evil@x", "ok@inject.example"}, kMessage);
  INFO(Describe(result));
  REQUIRE(result.recipients.size() == 2);
  CHECK(result.recipients[0].outcome == Outcome::kPermFail);
  CHECK(result.recipients[1].outcome == Outcome::kDelivered);
  CHECK(MessagesFor("evil@x").empty());
}

TEST_CASE("Delivery targets: smtp, smtps, maildir accepted; others refused", "[factory]") {
  auto make = [](const std::string& target) {
    TransportOptions options;
    options.target = target;
    return MakeTransportFactory(options);
  };
  CHECK(make("smtp://127.0.0.1:2525").ok());
  CHECK(make("smtp://user:secret@relay.example:587").ok());
  CHECK(make("smtps://relay.example").ok());
  CHECK_FALSE(make("http://relay.example").ok());
  CHECK_FALSE(make("smtp://").ok());
  CHECK_FALSE(make("smtp://relay.example/path").ok());
  CHECK_FALSE(make("maildir:").ok());
  CHECK_FALSE(make("relay.example:25").ok());
  TransportOptions bad_helo;
  bad_helo.target = "smtp://relay.example";
  bad_helo.helo_name = "two words";
  CHECK_FALSE(MakeTransportFactory(bad_helo).ok());
}

TEST_CASE("Delivery targets: an error never quotes the password in the URL", "[factory]") {
  TransportOptions options;
  options.target = "smtp://bob:S3cret@relay.example:587";
  options.helo_name = "two words";
  auto refused = MakeTransportFactory(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("S3cret") == std::string::npos);
  CHECK(refused.error().find("smtp://***@relay.example:587") != std::string::npos);
  options.target = "smtpx://bob:S3cret@relay.example";
  refused = MakeTransportFactory(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("S3cret") == std::string::npos);
}

TEST_CASE("RFC 5321 3.8: a 421 greeting fails the batch temporarily", "[smtp]") {
  ControlReset reset;
  SetControl({{"fail_next_connections", 1}, {"fail_code", "421 4.3.2 not now"}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@greet.example", {"a@greet.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.find("421 4.3.2 not now") != std::string::npos);
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
  CHECK(result.recipients[0].code == 421);
  SendResult next = transport->Send("bounces@greet.example", {"a@greet.example"}, kMessage);
  CHECK(next.recipients[0].outcome == Outcome::kDelivered);
}

TEST_CASE("RFC 5321 4.5.2: a large message with many dot lines arrives byte for byte", "[smtp]") {
  std::string big = "Subject: big\r\n\r\n";
  for (int i = 0; big.size() < 3 * 1024 * 1024; ++i) {
    big += (i % 3 == 0 ? "." : "") + std::string(70, static_cast<char>('a' + i % 26)) + "\r\n";
    if (i % 1000 == 0) big += ".\r\n";
  }
  auto transport = MakeSmtp(SinkUrl());
  SendResult result = transport->Send("bounces@big.example", {"a@big.example"}, big);
  INFO(Describe(result));
  CHECK(result.recipients[0].outcome == Outcome::kDelivered);
  auto stored = MessagesFor("a@big.example");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].data.size() == big.size());
  CHECK(stored[0].data == big);
}

TEST_CASE("One transport per thread: four workers deliver at once", "[smtp]") {
  TransportOptions options;
  options.target = SinkUrl();
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  std::vector<std::thread> workers;
  std::vector<int> delivered(4, 0);
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&factory, &delivered, w] {
      auto transport = (*factory)();
      for (int batch = 0; batch < 5; ++batch) {
        std::string rcpt =
            "w" + std::to_string(w) + "b" + std::to_string(batch) + "@threads.example";
        auto result = transport->Send("bounces@threads.example", {rcpt}, kMessage);
        if (result.recipients[0].outcome == Outcome::kDelivered) ++delivered[w];
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK(delivered == std::vector<int>(4, 5));
  CHECK(TransactionsFrom("bounces@threads.example").size() == 20);
}

TEST_CASE("RFC 5321 3.8: a 421 to one RCPT ends the transaction for every recipient", "[smtp]") {
  ControlReset reset;
  SetControl({{"reject_rcpt", {{"b@rcpt421.example", "421 4.3.2 closing"}}}});
  auto transport = MakeSmtp(SinkUrl());
  SendResult result =
      transport->Send("bounces@rcpt421.example",
                      {"a@rcpt421.example", "b@rcpt421.example", "c@rcpt421.example"}, kMessage);
  INFO(Describe(result));
  CHECK_FALSE(result.error.empty());
  for (const auto& r : result.recipients) {
    CHECK(r.outcome == Outcome::kTempFail);
    CHECK(r.code == 421);
  }
  CHECK(MessagesFor("a@rcpt421.example").empty());
}

// Finding 4 of issue 10: one timeout for every step gave up on a smarthost
// that took longer to answer the final dot than to answer MAIL, and the
// batch, which the smarthost went on to accept, was sent again at every
// retry. RFC 5321 section 4.5.3.2.6 asks for a long wait there.
std::unique_ptr<Transport> MakeSmtpWithTimeouts(const listd::delivery::SmtpTimeouts& timeouts) {
  TransportOptions options;
  options.target = SinkUrl();
  options.timeouts = timeouts;
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  return (*factory)();
}

// Commands 2 s, the final dot 12 s.
listd::delivery::SmtpTimeouts ShortCommandsLongDot() {
  auto t = listd::delivery::SmtpTimeouts::All(std::chrono::seconds(2));
  t.data_end = std::chrono::seconds(12);
  return t;
}

TEST_CASE(
    "RFC 5321 4.5.3.2.6: a final-dot reply slower than the command timeout but within the dot "
    "timeout delivers the batch exactly once",
    "[smtp]") {
  ControlReset reset;
  SetControl({{"delay_steps", {{"data_end", 5}}}});
  auto transport = MakeSmtpWithTimeouts(ShortCommandsLongDot());
  SendResult result = transport->Send("bounces@slowdot.example",
                                      {"a@slowdot.example", "b@slowdot.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  for (const auto& r : result.recipients) CHECK(r.outcome == Outcome::kDelivered);
  CHECK(MessagesFor("a@slowdot.example").size() == 1);
  CHECK(MessagesFor("b@slowdot.example").size() == 1);
  // Delivered, so nothing is retried: one transaction in all.
  CHECK(TransactionsFrom("bounces@slowdot.example").size() == 1);
}

TEST_CASE("RFC 5321 4.5.3.2.6: a final-dot reply slower than the dot timeout is deferred",
          "[smtp]") {
  ControlReset reset;
  SetControl({{"delay_steps", {{"data_end", 6}}}});
  auto t = listd::delivery::SmtpTimeouts::All(std::chrono::seconds(10));
  t.data_end = std::chrono::seconds(2);
  auto transport = MakeSmtpWithTimeouts(t);
  SendResult result = transport->Send("bounces@lostdot.example", {"a@lostdot.example"}, kMessage);
  INFO(Describe(result));
  CHECK_THAT(result.error, Catch::Contains("end of DATA within 2 s"));
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
}

TEST_CASE(
    "RFC 5321 4.5.3.2.2: a MAIL reply slower than the MAIL timeout is deferred, though "
    "the dot timeout is long",
    "[smtp]") {
  ControlReset reset;
  SetControl({{"delay_steps", {{"mail", 5}}}});
  auto transport = MakeSmtpWithTimeouts(ShortCommandsLongDot());
  SendResult result = transport->Send("bounces@slowmail.example", {"a@slowmail.example"}, kMessage);
  INFO(Describe(result));
  CHECK_THAT(result.error, Catch::Contains("MAIL FROM within 2 s"));
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
  CHECK(MessagesFor("a@slowmail.example").empty());
}

TEST_CASE("RFC 5321 4.5.3.2.3: an RCPT reply slower than the RCPT timeout is deferred", "[smtp]") {
  ControlReset reset;
  SetControl({{"delay_steps", {{"rcpt", 5}}}});
  auto transport = MakeSmtpWithTimeouts(ShortCommandsLongDot());
  SendResult result = transport->Send("bounces@slowrcpt.example", {"a@slowrcpt.example"}, kMessage);
  INFO(Describe(result));
  CHECK_THAT(result.error, Catch::Contains("RCPT TO within 2 s"));
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
}

TEST_CASE("RFC 3207: opportunistic STARTTLS to a server that does not offer it delivers in clear",
          "[smtp]") {
  auto transport = MakeSmtp(SinkUrl(), 10, StartTls::kOpportunistic);
  SendResult result = transport->Send("bounces@notls.example", {"a@notls.example"}, kMessage);
  INFO(Describe(result));
  CHECK(result.error.empty());
  CHECK(result.recipients[0].outcome == Outcome::kDelivered);
  auto log = TransactionsFrom("bounces@notls.example");
  REQUIRE(log.size() == 1);
  CHECK(log[0]["tls"] == false);
}
