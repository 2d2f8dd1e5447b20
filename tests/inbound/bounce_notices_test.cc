// Bounce parser: mail to -bounces that names no failure (auto_reply.h
// "NOTICES THAT NAME NO FAILURE"): challenge-response mail, a list's
// moderation hold, plain-text delivery receipts. None is ever a failure
// (issue 12: "auto-replies, delivery receipts, delays and challenge-response
// mail are never scored as failures"), and a real bounce that only
// mentions "verify", "confirm" or "delivered" stays a bounce. The sample
// mails are written here in the shape these systems send.
#include <catch2/catch.hpp>

#include <string>

#include "listd/inbound/bounce_parser.h"

namespace {

using listd::inbound::BounceKind;
using listd::inbound::BounceReport;
using listd::inbound::FailureClass;
using listd::inbound::ParseBounce;

std::string Crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string Mail(const std::string& from, const std::string& subject, const std::string& body,
                 const std::string& extra_header = "") {
  return Crlf("From: " + from +
              "\n"
              "To: demo-bounces@lists.example.org\n"
              "Subject: " +
              subject + "\n" + extra_header + "\n" + body);
}

// An auto-reply of `recogniser` that names nobody.
void CheckNotice(const BounceReport& report, const std::string& recogniser) {
  CHECK(report.kind == BounceKind::kAutoReply);
  CHECK(report.recogniser == recogniser);
  CHECK(report.recipients.empty());
  CHECK_FALSE(report.reason.empty());
}

}  // namespace

// ---- Challenge-response ---------------------------------------------------

TEST_CASE(
    "challenge-response: TMDA's confirmation request is no failure, though it says mail "
    "delivery software and the following address",
    "[bounce][notice][challenge]") {
  // Read as an Exim bounce of the confirm address before challenges were
  // known.
  const BounceReport report = ParseBounce(
      Mail("alice-confirm-1733.a1b2c3@example.org", "Re: hello (Please confirm your message)",
           "This message was created automatically by mail delivery software (TMDA).\n\n"
           "Your message attached below is being held because the address\n"
           "<demo-bounces@lists.example.org> has not been verified.\n\n"
           "To release your message for delivery, please send an empty message\n"
           "to the following address, or use your mailer's \"Reply\" feature.\n\n"
           "   alice-confirm-1733.a1b2c3@example.org\n\n"
           "--- Enclosed is a copy of your message.\n\n"
           "From: demo@lists.example.org\nSubject: hello\n",
           "X-Delivery-Agent: TMDA/1.1.12 (Ensemble)\n"));
  CheckNotice(report, "challenge-response");
  CHECK(report.reason.find("challenge-response") != std::string::npos);
}

TEST_CASE("challenge-response: a request to be added to the approved senders is no failure",
          "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("Bob <bob@example.net>", "Re: hello",
           "Hello,\n\n"
           "I am protecting myself from receiving junk mail. Please click the link below\n"
           "to be added to my list of approved senders, and your message will be\n"
           "delivered to me:\n\n"
           "  https://verify.example.net/approve?id=8f3a\n\n"
           "You only need to do this once. Thank you, bob@example.net\n"));
  CheckNotice(report, "challenge-response");
}

TEST_CASE("challenge-response: a guest-list request naming the product (Boxbe) is no failure",
          "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("Boxbe <notify@boxbe.example>", "Re: hello (Action Required)",
           "Hello demo-bounces@lists.example.org,\n\n"
           "You will not receive any more courtesy notices from our members for two days.\n"
           "Messages you have sent will remain in a lower priority mailbox for the member.\n\n"
           "carol@example.net uses Boxbe to prioritize her inbox. Your message has been placed\n"
           "in her Waiting List. Click the link to request to be added to her Guest List:\n\n"
           "  https://www.boxbe.example/anno?tc=1234\n"));
  CheckNotice(report, "challenge-response");
}

TEST_CASE("challenge-response: the Subject \"Please confirm your message\" with a link to click",
          "[bounce][notice][challenge]") {
  const BounceReport report =
      ParseBounce(Mail("dave@example.com", "Please confirm your message",
                       "To have your message to dave@example.com delivered, click the link "
                       "below. We apologise for the inconvenience.\n\n"
                       "  https://confirm.example.com/c/77aa\n"));
  CheckNotice(report, "challenge-response");
}

TEST_CASE(
    "challenge-response: a message held until the sender proves to be a person is no "
    "failure, though not delivered yet",
    "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("erin@example.fr", "Your message to erin@example.fr",
           "Your message to erin@example.fr has not been delivered yet.\n"
           "Her mailbox is protected against spam: to confirm that you are a human and not a\n"
           "spam robot, please click on the link below. Your message will then be delivered\n"
           "and future messages will reach her directly.\n\n"
           "  https://protect.example.fr/validate/55\n"));
  CheckNotice(report, "challenge-response");
}

TEST_CASE(
    "challenge-response stands back: an Office 365 bounce that asks to verify the address is a "
    "bounce",
    "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("postmaster@outlook.example", "Undeliverable: hello",
           "Your message to gone@example.org couldn't be delivered.\n"
           "gone wasn't found at example.org.\n\n"
           "Action Required: please verify that you typed the address correctly; click the link\n"
           "below to confirm the recipient's address and try again.\n\n"
           "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not "
           "found'\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
}

TEST_CASE(
    "challenge-response stands back: an Exim bounce for a failed sender verification is a "
    "bounce (RFC 5321 section 4.2 reply code given)",
    "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("Mail Delivery System <Mailer-Daemon@mx.example.net>",
           "Mail delivery failed: returning message to sender",
           "This message was created automatically by mail delivery software.\n\n"
           "A message that you sent could not be delivered to one or more of its\n"
           "recipients. This is a permanent error. The following address(es) failed:\n\n"
           "  gone@example.org\n"
           "    SMTP error from remote mail server after RCPT TO:<gone@example.org>:\n"
           "    550-Verification failed for <demo-bounces@lists.example.org>\n"
           "    550 Sender verify failed: please confirm that you are a real sender\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE(
    "challenge-response stands back: a bounce with no code that says it could not be "
    "delivered and asks to confirm the address is a bounce",
    "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("postmaster@example.org", "Returned mail",
           "Your message could not be delivered to gone@example.org.\n"
           "Please confirm that you typed the address correctly. Click the link below to\n"
           "learn more: https://help.example.org/bounces\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE("challenge-response: words in the returned copy of the post are never read",
          "[bounce][notice][challenge]") {
  // A qmail bounce of a list post that itself discusses challenge mail.
  const BounceReport report = ParseBounce(
      Mail("MAILER-DAEMON@mx.example.net", "failure notice",
           "Hi. This is the qmail-send program at mx.example.net.\n"
           "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
           "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
           "<gone@example.org>:\nno mailbox here by that name\n\n"
           "--- Below this line is a copy of the message.\n\n"
           "Subject: Please confirm your message\n\n"
           "Click the link to be added to my list of approved senders.\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE(
    "challenge-response: an HTML-only request to verify the sender's address by clicking is no "
    "failure",
    "[bounce][notice][challenge]") {
  const BounceReport report = ParseBounce(
      Mail("frank@example.net", "Re: hello",
           "<html><body><p>Hello,</p><p>I use a filter to keep my inbox free of spam.\n"
           "Please verify your email address by clicking the link below, and your\n"
           "message will be delivered.</p><p><a href=\"https://verify.example.net/v?k=9\">"
           "Verify</a></p></body></html>\n",
           "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"));
  CheckNotice(report, "challenge-response");
}

// ---- A list's moderation hold ---------------------------------------------

TEST_CASE("moderation hold: Google Groups' \"pending approval\" note is no failure",
          "[bounce][notice][google]") {
  // Read as a failure of the group's address ("Your message to X") before.
  const BounceReport report = ParseBounce(
      Mail("Google Groups <noreply@googlegroups.com>",
           "Your message to friends@googlegroups.com is awaiting moderation",
           "Your message to friends@googlegroups.com is pending approval by a group manager.\n"
           "You will be notified when it has been reviewed.\n"));
  CheckNotice(report, "moderation-hold");
}

TEST_CASE("moderation hold: Mailman's \"being held until the list moderator\" note is no failure",
          "[bounce][notice]") {
  const BounceReport report = ParseBounce(
      Mail("friends-owner@lists.example.net", "Your message to Friends awaits moderator approval",
           "Your mail to 'Friends' with the subject\n\n    hello\n\n"
           "Is being held until the list moderator can review it for approval.\n\n"
           "The reason it is being held:\n\n    Post by non-member to a members-only list\n\n"
           "Either the message will get posted to the list, or you will receive\n"
           "notification of the moderator's decision.\n"));
  CheckNotice(report, "moderation-hold");
}

// ---- Delivery receipts in plain text ---------------------------------------

TEST_CASE("delivery receipt: Exchange's \"Delivered:\" report is no failure",
          "[bounce][notice][receipt]") {
  // Read as a failure ("following recipients") before receipts were known.
  const BounceReport report =
      ParseBounce(Mail("postmaster@exchange.example.com", "Delivered: hello",
                       "Your message has been delivered to the following recipients:\n\n"
                       "alice@exchange.example.com (alice@exchange.example.com)\n\n"
                       "Subject: hello\n"));
  CheckNotice(report, "receipt");
}

TEST_CASE("delivery receipt: Exchange's \"Relayed:\" report is no failure",
          "[bounce][notice][receipt]") {
  const BounceReport report = ParseBounce(
      Mail("postmaster@exchange.example.com", "Relayed: hello",
           "Delivery to these recipients or groups is complete, but no delivery notification "
           "was sent by the destination server:\n\n"
           "alice@example.net (alice@example.net)\n\n"
           "Subject: hello\n"));
  CheckNotice(report, "receipt");
}

TEST_CASE("delivery receipt: Postfix's \"successfully delivered\" notice is no failure",
          "[bounce][notice][receipt]") {
  // Its "<addr>: delivery via ..." line was read as Postfix's failure line.
  const BounceReport report = ParseBounce(
      Mail("MAILER-DAEMON@mx.example.org (Mail Delivery System)", "Successful Mail Delivery Report",
           "This is the mail system at host mx.example.org.\n\n"
           "Your message was successfully delivered to the destination(s)\n"
           "listed below. If the message was delivered to mailbox you will\n"
           "receive no further notifications. Otherwise you may still receive\n"
           "notifications of mail delivery errors from other systems.\n\n"
           "                   The mail system\n\n"
           "<alice@example.org>: delivery via mx.example.org[192.0.2.1]:25: 250 2.0.0 Ok: "
           "queued as 4XyZ\n"));
  CheckNotice(report, "receipt");
}

TEST_CASE("delivery receipt: Sendmail's \"successful delivery notifications\" list is no failure",
          "[bounce][notice][receipt]") {
  const BounceReport report = ParseBounce(
      Mail("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", "Return receipt",
           "The original message was received at Tue, 1 Dec 2026 10:00:00 GMT\n"
           "from lists.example.org [192.0.2.9]\n\n"
           "   ----- The following addresses had successful delivery notifications -----\n"
           "<alice@example.org>  (successfully delivered to mailbox)\n"));
  CheckNotice(report, "receipt");
}

TEST_CASE("delivery receipt: a \"Delivery has succeeded\" report is no failure",
          "[bounce][notice][receipt]") {
  const BounceReport report =
      ParseBounce(Mail("postmaster@notes.example.com", "Delivery Report (Success) hello",
                       "Your document: hello\n"
                       "was delivered to: alice@notes.example.com\n\n"
                       "Delivery has succeeded to the following recipients.\n"));
  CheckNotice(report, "receipt");
}

TEST_CASE(
    "delivery receipt stands back: a report of mixed outcomes is a bounce of the failed "
    "recipient only",
    "[bounce][notice][receipt]") {
  const BounceReport report =
      ParseBounce(Mail("postmaster@exchange.example.com", "Undeliverable: hello",
                       "Your message has been delivered to the following recipients:\n\n"
                       "alice@example.org\n\n"
                       "Delivery has failed to these recipients or groups:\n\n"
                       "gone@example.org\n"
                       "The e-mail address you entered couldn't be found.\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE(
    "RFC 3463 section 3.1: a Postfix line with a class 2 status beside a failed one is no "
    "failure",
    "[bounce][notice][receipt]") {
  const BounceReport report =
      ParseBounce(Mail("MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender",
                       "This is the mail system at host mx.example.net.\n\n"
                       "I'm sorry to have to inform you that your message could not\n"
                       "be delivered to one or more recipients.\n\n"
                       "<ok@example.org>: 250 2.1.5 Ok\n\n"
                       "<gone@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1\n"
                       "    <gone@example.org>: Recipient address rejected: User unknown\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
  CHECK(report.recipients[0].status == "5.1.1");
}

TEST_CASE(
    "delivery receipt stands back: a line that says delivered and then not delivered names the "
    "failed address",
    "[bounce][notice][receipt]") {
  const BounceReport report =
      ParseBounce(Mail("postmaster@relay.example.com", "Returned mail",
                       "Your message was delivered to the relay but could not be delivered to "
                       "gone@example.org.\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE("RFC 3463 section 3.1: a class 2 status followed by a failure keeps the failure's status",
          "[bounce][notice][receipt]") {
  const BounceReport report =
      ParseBounce(Mail("MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender",
                       "This is the mail system at host mx.example.net.\n\n"
                       "<full@example.org>: RCPT said 250 2.1.5 Ok, then DATA said 552 5.2.2\n"
                       "    Mailbox full\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "full@example.org");
  CHECK(report.recipients[0].status == "5.2.2");
}
