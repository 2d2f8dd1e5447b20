// SmtpDialogue on scripted client and server bytes: every command paired
// with its reply, in order (RFC 5321 section 4.2; RFC 2920 for pipelining).
#include "listd/delivery/smtp_dialogue.h"

#include <catch2/catch.hpp>

using listd::delivery::SmtpDialogue;

TEST_CASE("RFC 5321 4.2: replies pair with commands, multi-line replies joined", "[dialogue]") {
  SmtpDialogue d;
  d.OnServerBytes("220 sink ready\r\n");
  d.OnClientBytes("EHLO listd\r\n");
  d.OnServerBytes("250-sink\r\n250-PIPE");  // a reply split across reads
  d.OnServerBytes("LINING\r\n250 HELP\r\n");
  d.OnClientBytes("MAIL FROM:<a@x>\r\n");
  d.OnServerBytes("250 ok\r\n");
  d.OnClientBytes("RCPT TO:<b@x>\r\n");
  d.OnServerBytes("550 5.1.1 no such user\r\n");
  d.OnClientBytes("RCPT TO:<c@x>\r\n");
  d.OnServerBytes("250 ok\r\n");
  d.OnClientBytes("DATA\r\n");
  d.OnServerBytes("354 go on\r\n");
  d.OnServerBytes("250 2.0.0 queued\r\n");
  REQUIRE(d.greeting());
  CHECK(d.greeting()->code == 220);
  REQUIRE(d.mail());
  CHECK(d.mail()->code == 250);
  REQUIRE(d.rcpts().size() == 2);
  CHECK(d.rcpts()[0]->code == 550);
  CHECK(d.rcpts()[0]->text == "550 5.1.1 no such user");
  CHECK(d.rcpts()[1]->code == 250);
  CHECK(d.data()->code == 354);
  REQUIRE(d.data_end());
  CHECK(d.data_end()->text == "250 2.0.0 queued");
  CHECK_FALSE(d.closing());
}

TEST_CASE("RFC 2920: pipelined commands take their replies in order", "[dialogue]") {
  SmtpDialogue d;
  d.OnClientBytes("MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\n");
  d.OnServerBytes("250 ok\r\n450 4.2.1 busy\r\n421 4.3.2 closing\r\n");
  REQUIRE(d.mail());
  REQUIRE(d.rcpts().size() == 2);
  CHECK(d.rcpts()[0]->code == 450);
  CHECK(d.rcpts()[1]->code == 421);
  REQUIRE(d.closing());
  CHECK(d.closing()->text == "421 4.3.2 closing");
  CHECK_FALSE(d.data_end());
}

TEST_CASE("RFC 5321 3.8: a command never answered keeps no reply", "[dialogue]") {
  SmtpDialogue d;
  d.OnServerBytes("220 hi\r\n");
  d.OnClientBytes("MAIL FROM:<a@x>\r\n");
  d.OnServerBytes("250 ok\r\n");
  d.OnClientBytes("RCPT TO:<b@x>\r\n");
  REQUIRE(d.rcpts().size() == 1);
  CHECK_FALSE(d.rcpts()[0].has_value());
}

TEST_CASE("RFC 4954 4: an AUTH LOGIN exchange ends with its last reply, not a 334", "[dialogue]") {
  SmtpDialogue d;
  d.OnServerBytes("220 hi\r\n");
  d.OnClientBytes("AUTH LOGIN\r\n");
  d.OnServerBytes("334 VXNlcm5hbWU6\r\n");
  d.OnClientBytes("bGlzdGQ=\r\n");
  d.OnServerBytes("334 UGFzc3dvcmQ6\r\n");
  CHECK_FALSE(d.auth());
  d.OnClientBytes("d3Jvbmc=\r\n");
  d.OnServerBytes("535 5.7.8 Authentication credentials invalid\r\n");
  REQUIRE(d.auth());
  CHECK(d.auth()->code == 535);
  CHECK(d.auth()->text == "535 5.7.8 Authentication credentials invalid");
  // What follows pairs as before.
  d.OnClientBytes("MAIL FROM:<a@x>\r\n");
  d.OnServerBytes("250 ok\r\n");
  REQUIRE(d.mail());
  CHECK(d.mail()->code == 250);
}

TEST_CASE("RFC 4954 4: AUTH PLAIN with an initial response, accepted", "[dialogue]") {
  SmtpDialogue d;
  d.OnClientBytes("AUTH PLAIN AGxpc3RkAHNlY3JldA==\r\n");
  d.OnServerBytes("235 2.7.0 Authentication successful\r\n");
  REQUIRE(d.auth());
  CHECK(d.auth()->code == 235);
}
