// The smarthost fault matrix (issue 10, "Keep it fixed"): every kind of
// refusal at every step of a transaction, a dropped connection and slow
// replies, against the real SMTP sink, each judged as the delivery worker
// judges it (retry.h). Every case must end in exactly one of: delivered
// once, deferred (with the reason), bounced (only a recipient refused at
// RCPT), or refused as a message (no bounce, with the reason).
//
// RFC 5321 sections 3.8 (421 closes), 4.2.1 (4yz transient, 5yz
// permanent), 4.1.1.4 (the end of data), 4.5.3.2 (timeouts).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "listd/delivery/retry.h"
#include "listd/delivery/transport.h"
#include "sink.h"

namespace {

using delivery_test::ControlReset;
using delivery_test::MessagesFor;
using delivery_test::SetControl;
using delivery_test::SinkUrl;
using listd::delivery::JudgeAttempt;
using listd::delivery::MakeTransportFactory;
using listd::delivery::RetryPolicy;
using listd::delivery::SmtpTimeouts;
using listd::delivery::TransportOptions;

const std::string kMessage =
    "From: list@example.net\r\n"
    "To: members@example.net\r\n"
    "Subject: fault matrix\r\n"
    "\r\n"
    "body\r\n";

struct FaultCase {
  std::string name;  // the domain is fm-NAME.example (x@, y@; bounces@ sends)
  nlohmann::json control;
  // What the attempt must come to: per-recipient counts, and a text the
  // error or the refusal must name (the reason).
  size_t delivered, deferred, bounced, refused;
  std::string reason;
};

// The control that refuses y's RCPT with `reply`.
nlohmann::json RefuseY(const std::string& name, const std::string& reply) {
  return {{"reject_rcpt", {{"y@fm-" + name + ".example", reply}}}};
}

std::vector<FaultCase> Cases() {
  std::vector<FaultCase> cases = {
      {"ok", nlohmann::json::object(), 2, 0, 0, 0, ""},
      {"greet421",
       {{"fail_next_connections", 1}, {"fail_code", "421 4.3.2 not now"}},
       0,
       2,
       0,
       0,
       "421 4.3.2"},
      {"greet554",
       {{"fail_next_connections", 1}, {"fail_code", "554 5.3.2 no service"}},
       0,
       2,
       0,
       0,
       "554 5.3.2"},
      {"mail421",
       {{"fail_next_transactions", 1}, {"fail_code", "421 4.3.2 bye"}},
       0,
       2,
       0,
       0,
       "421 4.3.2"},
      {"mail451",
       {{"fail_next_transactions", 1}, {"fail_code", "451 4.3.0 later"}},
       0,
       2,
       0,
       0,
       "451 4.3.0"},
      {"mail452",
       {{"fail_next_transactions", 1}, {"fail_code", "452 4.3.1 full"}},
       0,
       2,
       0,
       0,
       "452 4.3.1"},
      {"mail550",
       {{"fail_next_transactions", 1}, {"fail_code", "550 5.7.1 sender refused"}},
       0,
       0,
       0,
       2,
       "550 5.7.1"},
      {"rcpt421", RefuseY("rcpt421", "421 4.3.2 closing"), 0, 2, 0, 0, "421 4.3.2"},
      {"rcpt451", RefuseY("rcpt451", "451 4.3.0 later"), 1, 1, 0, 0, ""},
      {"rcpt452", RefuseY("rcpt452", "452 4.2.2 mailbox full"), 1, 1, 0, 0, ""},
      {"rcpt550", RefuseY("rcpt550", "550 5.1.1 no such user"), 1, 0, 1, 0, ""},
      {"data451",
       {{"fail_next_data_command", 1}, {"data_command_code", "451 4.3.0 later"}},
       0,
       2,
       0,
       0,
       "451 4.3.0"},
      {"data554",
       {{"fail_next_data_command", 1}, {"data_command_code", "554 5.7.1 no"}},
       0,
       0,
       0,
       2,
       "554 5.7.1"},
      {"end421", {{"fail_next_data", 1}, {"data_code", "421 4.3.2 bye"}}, 0, 2, 0, 0, "421 4.3.2"},
      {"end451",
       {{"fail_next_data", 1}, {"data_code", "451 4.3.0 later"}},
       0,
       2,
       0,
       0,
       "451 4.3.0"},
      {"end452", {{"fail_next_data", 1}, {"data_code", "452 4.3.1 full"}}, 0, 2, 0, 0, "452 4.3.1"},
      {"end554",
       {{"fail_next_data", 1}, {"data_code", "554 5.6.0 content rejected"}},
       0,
       0,
       0,
       2,
       "554 5.6.0"},
      {"drop", {{"drop_connection_after_data", 1}}, 0, 2, 0, 0, ""},
      {"slowmail", {{"delay_steps", {{"mail", 4}}}}, 0, 2, 0, 0, "MAIL FROM within 2 s"},
      {"slowrcpt", {{"delay_steps", {{"rcpt", 4}}}}, 0, 2, 0, 0, "RCPT TO within 2 s"},
      {"slowdot", {{"delay_steps", {{"data_end", 4}}}}, 2, 0, 0, 0, ""},
  };
  return cases;
}

}  // namespace

TEST_CASE("Smarthost fault matrix: each fault ends delivered once, deferred, bounced or refused",
          "[smtp][fault_matrix]") {
  SmtpTimeouts timeouts = SmtpTimeouts::All(std::chrono::seconds(2));
  timeouts.data_end = std::chrono::seconds(10);
  TransportOptions options;
  options.target = SinkUrl();
  options.timeouts = timeouts;
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  for (const FaultCase& c : Cases()) {
    INFO("case " << c.name << ": " << c.control.dump());
    ControlReset reset;
    SetControl(c.control);
    auto transport = (*factory)();  // a fresh connection: the fault may be at the greeting
    const std::string domain = "fm-" + c.name + ".example";  // no other test's addresses
    const std::string x = "x@" + domain, y = "y@" + domain;
    const std::vector<std::string> rcpts = {x, y};
    auto sent = transport->Send("bounces@" + domain, rcpts, kMessage);
    auto verdict = JudgeAttempt(rcpts, sent, 0, 0, 1, RetryPolicy{});
    INFO("error '" << sent.error << "', refusal '" << verdict.refusal << "'");
    CHECK(verdict.delivered == c.delivered);
    CHECK(verdict.deferred.size() == c.deferred);
    CHECK(verdict.bounced.size() == c.bounced);
    CHECK(verdict.refused.size() == c.refused);
    CHECK(c.delivered + c.deferred + c.bounced + c.refused == 2);
    if (!c.reason.empty()) {
      CHECK_THAT(sent.error + " " + verdict.refusal, Catch::Contains(c.reason));
    }
    if (c.deferred == 2 || c.refused == 2) CHECK_FALSE(sent.error.empty());
    // Delivered means stored exactly once; anything else, not at all.
    const size_t x_copies = MessagesFor(x).size(), y_copies = MessagesFor(y).size();
    const size_t stored = x_copies + y_copies;
    CHECK(stored == c.delivered);
    CHECK(x_copies <= 1);
    CHECK(y_copies <= 1);
  }
}

namespace {

using delivery_test::TlsRefusingSmarthost;
using listd::delivery::StartTls;

struct TlsRefusedCase {
  std::string name;
  TlsRefusingSmarthost::Refusal refusal;
  StartTls starttls;
  size_t delivered, deferred;  // of 2 recipients; never bounced, never refused
  int starttls_seen;           // STARTTLS commands the smarthost saw
  std::string reason;          // what a deferral must name
};

}  // namespace

// RFC 3207 section 4: after a 454 (or a handshake that fails) "the client
// must decide whether or not to continue". The option decides: required
// defers (temporary, the operator's matter: no member scored), opportunistic
// goes on in clear as it would to a server that offers no STARTTLS (RFC 7435
// section 3: encryption when possible, never less than clear text), off never
// asks. Either way the post ends delivered once or deferred, never refused.
TEST_CASE("RFC 3207 4: TLS refused by 454 or a failed handshake: delivered once or deferred",
          "[smtp][fault_matrix][starttls]") {
  using R = TlsRefusingSmarthost::Refusal;
  const std::vector<TlsRefusedCase> cases = {
      {"454-opportunistic", R::kAnswer454, StartTls::kOpportunistic, 2, 0, 1, ""},
      {"454-required", R::kAnswer454, StartTls::kRequired, 0, 2, 1, "454"},
      {"454-off", R::kAnswer454, StartTls::kOff, 2, 0, 0, ""},
      {"handshake-opportunistic", R::kBreakHandshake, StartTls::kOpportunistic, 2, 0, 1, ""},
      {"handshake-required", R::kBreakHandshake, StartTls::kRequired, 0, 2, 1, "SSL"},
      {"handshake-off", R::kBreakHandshake, StartTls::kOff, 2, 0, 0, ""},
  };
  for (const TlsRefusedCase& c : cases) {
    INFO("case " << c.name);
    TlsRefusingSmarthost smarthost(c.refusal);
    TransportOptions options;
    options.target = smarthost.Url();
    options.starttls = c.starttls;
    options.timeouts = SmtpTimeouts::All(std::chrono::seconds(5));
    auto factory = MakeTransportFactory(options);
    REQUIRE(factory.ok());
    auto transport = (*factory)();
    const std::string domain = "tls-" + c.name + ".example";
    const std::string x = "x@" + domain, y = "y@" + domain;
    const std::vector<std::string> rcpts = {x, y};
    auto sent = transport->Send("bounces@" + domain, rcpts, kMessage);
    auto verdict = JudgeAttempt(rcpts, sent, 0, 0, 1, RetryPolicy{});
    INFO("error '" << sent.error << "', refusal '" << verdict.refusal << "'");
    CHECK(verdict.delivered == c.delivered);
    CHECK(verdict.deferred.size() == c.deferred);
    CHECK(verdict.bounced.empty());
    CHECK(verdict.refused.empty());
    CHECK(smarthost.starttls_seen() == c.starttls_seen);
    if (!c.reason.empty()) CHECK_THAT(sent.error, Catch::Contains(c.reason));
    // Delivered means once per recipient; deferred, not at all.
    CHECK(smarthost.CopiesFor(x) == (c.delivered > 0 ? 1u : 0u));
    CHECK(smarthost.CopiesFor(y) == (c.delivered > 0 ? 1u : 0u));
  }
}
