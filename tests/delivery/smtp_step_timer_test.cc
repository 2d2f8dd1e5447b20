// SmtpStepTimer on a scripted dialogue and a hand-moved clock: each step
// of a transaction ends at its own limit (RFC 5321 section 4.5.3.2).
#include "listd/delivery/smtp_step_timer.h"

#include <catch2/catch.hpp>

namespace {

using listd::delivery::SmtpDialogue;
using listd::delivery::SmtpStepTimer;
using listd::delivery::SmtpTimeouts;
using std::chrono::seconds;

// RFC 5321 4.5.3.2's values.
const SmtpTimeouts kRfc;
const SmtpStepTimer::Clock::time_point kT0{};

}  // namespace

TEST_CASE("RFC 5321 4.5.3.2: the defaults are the RFC's five, five, five, two, three, ten minutes",
          "[step_timer]") {
  CHECK(kRfc.connect == seconds(300));
  CHECK(kRfc.mail == seconds(300));
  CHECK(kRfc.rcpt == seconds(300));
  CHECK(kRfc.data_init == seconds(120));
  CHECK(kRfc.data_block == seconds(180));
  CHECK(kRfc.data_end == seconds(600));
}

TEST_CASE("RFC 5321 4.5.3.2.2: MAIL runs out at its own limit, counted from when it was sent",
          "[step_timer]") {
  SmtpDialogue d;
  SmtpStepTimer timer(kRfc);
  d.OnServerBytes("220 ready\r\n");
  d.OnClientBytes("MAIL FROM:<a@x>\r\n");
  CHECK_FALSE(timer.Check(d, 0, false, kT0 + seconds(10)));  // the wait begins here
  CHECK_FALSE(timer.Check(d, 0, false, kT0 + seconds(309)));
  auto late = timer.Check(d, 0, false, kT0 + seconds(310));
  REQUIRE(late);
  CHECK(*late == "no reply to MAIL FROM within 300 s");
}

TEST_CASE("RFC 5321 4.5.3.2.3: each RCPT reply begins a new wait", "[step_timer]") {
  SmtpDialogue d;
  SmtpStepTimer timer(kRfc);
  d.OnServerBytes("220 ready\r\n");
  d.OnClientBytes("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  d.OnServerBytes("250 ok\r\n");
  CHECK_FALSE(timer.Check(d, 0, false, kT0));
  d.OnClientBytes("RCPT TO:<c@x>\r\n");
  d.OnServerBytes("250 ok\r\n");  // b's reply: c's wait begins at the next check
  CHECK_FALSE(timer.Check(d, 0, false, kT0 + seconds(299)));
  CHECK_FALSE(timer.Check(d, 0, false, kT0 + seconds(598)));
  CHECK(timer.Check(d, 0, false, kT0 + seconds(599)));
}

TEST_CASE(
    "RFC 5321 4.5.3.2.5 and .6: the data moves within the block limit, then the final reply "
    "gets ten minutes",
    "[step_timer]") {
  SmtpDialogue d;
  SmtpStepTimer timer(kRfc);
  d.OnServerBytes("220 ready\r\n");
  d.OnClientBytes("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  d.OnServerBytes("250 ok\r\n250 ok\r\n");
  CHECK_FALSE(timer.Check(d, 0, false, kT0));
  CHECK(timer.Check(d, 0, false, kT0 + seconds(120)) ==
        std::optional<std::string>("no reply to DATA within 120 s"));

  SmtpStepTimer sending(kRfc);
  d.OnServerBytes("354 go on\r\n");
  CHECK_FALSE(sending.Check(d, 0, false, kT0));
  CHECK_FALSE(sending.Check(d, 1000, false, kT0 + seconds(170)));  // a byte moved
  CHECK_FALSE(sending.Check(d, 1000, false, kT0 + seconds(349)));
  CHECK(sending.Check(d, 1000, false, kT0 + seconds(350)) ==
        std::optional<std::string>("the message data moved no byte for 180 s"));

  SmtpStepTimer waiting(kRfc);
  CHECK_FALSE(waiting.Check(d, 2000, true, kT0));  // all sent: the final wait begins
  CHECK_FALSE(waiting.Check(d, 2000, true, kT0 + seconds(599)));
  CHECK(waiting.Check(d, 2000, true, kT0 + seconds(600)) ==
        std::optional<std::string>("no reply to the end of DATA within 600 s"));
}

TEST_CASE("An idle reused connection between transactions has no deadline", "[step_timer]") {
  SmtpDialogue d;
  SmtpStepTimer timer(SmtpTimeouts::All(seconds(1)));
  d.OnServerBytes("220 ready\r\n");
  CHECK_FALSE(timer.Check(d, 0, false, kT0));
  CHECK_FALSE(timer.Check(d, 0, false, kT0 + seconds(3600)));
}

TEST_CASE("A connection that never greets runs out at the connect limit", "[step_timer]") {
  SmtpDialogue d;
  SmtpStepTimer timer(kRfc);
  CHECK_FALSE(timer.Check(d, 0, false, kT0));
  CHECK(timer.Check(d, 0, false, kT0 + seconds(300)));
}

TEST_CASE("SmtpTimeouts::Transaction adds up every step at its limit", "[step_timer]") {
  CHECK(kRfc.Transaction(100) == seconds(300 + 300 + 100 * 300 + 120 + 180 + 600));
}
