// Bounce parser: each recogniser and RFC rule of listd/inbound/bounce_parser.h,
// with bounces written here in each format's shape.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "listd/inbound/bounce_parser.h"
#include "listd/inbound/bounce_recipients.h"
#include "listd/inbound/dsn_parser.h"

namespace {

using listd::inbound::BounceKind;
using listd::inbound::BounceReport;
using listd::inbound::FailureClass;
using listd::inbound::kMaxBounceRecipients;
using listd::inbound::kMaxDiagnosticBytes;
using listd::inbound::ParseBounce;

// LF text as a CRLF message.
std::string Crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// An RFC 6522 multipart/report of `report_type` with a text part, the
// machine-readable part (`type`, `fields`) and the returned headers.
std::string Report(const std::string& report_type, const std::string& type,
                   const std::string& fields,
                   const std::string& returned =
                       "From: demo@lists.example.org\n"
                       "To: demo@lists.example.org\n"
                       "List-Id: <demo.lists.example.org>\n"
                       "Message-ID: <post-1@lists.example.org>\n"
                       "Subject: hello\n") {
  return Crlf(
      "From: MAILER-DAEMON@mx.example.net\n"
      "To: demo-bounces@lists.example.org\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=" +
      report_type +
      "; boundary=\"B\"\n"
      "\n"
      "--B\n"
      "Content-Type: text/plain\n"
      "\n"
      "Human-readable words.\n"
      "--B\n"
      "Content-Type: " +
      type + "\n\n" + fields +
      "\n"
      "--B\n"
      "Content-Type: text/rfc822-headers\n"
      "\n" +
      returned +
      "\n"
      "--B--\n");
}

std::string Dsn(const std::string& fields) {
  return Report("delivery-status", "message/delivery-status",
                "Reporting-MTA: dns; mx.example.net\n\n" + fields);
}

// A plain-text bounce with `body`.
std::string Plain(const std::string& subject, const std::string& body,
                  const std::string& extra_header = "") {
  return Crlf(
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
      "To: demo-bounces@lists.example.org\n"
      "Subject: " +
      subject + "\n" + extra_header + "\n" + body);
}

}  // namespace

// ---- RFC 3464 delivery status notifications -------------------------------

TEST_CASE("RFC 3464 section 2.3: every per-recipient group is a recipient", "[bounce][dsn]") {
  const BounceReport report = ParseBounce(
      Dsn("Final-Recipient: rfc822; alice@Example.COM\n"
          "Action: failed\n"
          "Status: 5.1.1\n"
          "Remote-MTA: dns; mx.example.com\n"
          "Diagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected\n"
          "\n"
          "Final-Recipient: rfc822; bob@example.net\n"
          "Action: failed\n"
          "Status: 5.2.2\n"));
  CHECK(report.kind == BounceKind::kBounce);
  CHECK(report.recogniser == "dsn");
  REQUIRE(report.recipients.size() == 2);
  CHECK(report.recipients[0].address == "alice@example.com");  // domain lower-cased
  CHECK(report.recipients[0].status == "5.1.1");
  CHECK(report.recipients[0].action == "failed");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
  CHECK(report.recipients[0].remote_mta == "mx.example.com");
  CHECK(report.recipients[0].diagnostic ==
        "550 5.1.1 <alice@example.com>: Recipient address rejected");
  CHECK(report.recipients[1].address == "bob@example.net");
  CHECK(report.recipients[1].status == "5.2.2");
}

TEST_CASE("RFC 3464 section 2.3.1: Original-Recipient, the address the list sent to, is preferred",
          "[bounce][dsn]") {
  const BounceReport report =
      ParseBounce(Dsn("Original-Recipient: rfc822;member@example.org\n"
                      "Final-Recipient: rfc822;member.forwarded@mailhost.example.org\n"
                      "Action: failed\n"
                      "Status: 5.1.1\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "member@example.org");
}

TEST_CASE("RFC 6533 section 3: a utf-8 address type is read, an x400 one refused with a reason",
          "[bounce][dsn]") {
  const BounceReport report =
      ParseBounce(Dsn("Final-Recipient: utf-8; carol@example.org\n"
                      "Action: failed\n"
                      "Status: 5.1.1\n"
                      "\n"
                      "Final-Recipient: x400; /S=dave/O=example/C=GB/\n"
                      "Action: failed\n"
                      "Status: 5.1.1\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "carol@example.org");
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].find("x400") != std::string::npos);
}

TEST_CASE(
    "RFC 3464 section 2.3.3 and RFC 3463 section 3.1: delayed or 4.X.X is a delay, never "
    "permanent",
    "[bounce][dsn]") {
  SECTION("Action delayed") {
    const BounceReport report = ParseBounce(
        Dsn("Final-Recipient: rfc822; slow@example.org\nAction: delayed\nStatus: 4.4.1\n"));
    CHECK(report.kind == BounceKind::kDelay);
    REQUIRE(report.recipients.size() == 1);
    CHECK(report.recipients[0].failure_class == FailureClass::kTemporary);
    CHECK(report.recipients[0].action == "delayed");
  }
  SECTION("Action failed with a class 4 status") {
    const BounceReport report = ParseBounce(
        Dsn("Final-Recipient: rfc822; slow@example.org\nAction: failed\nStatus: 4.4.7\n"));
    CHECK(report.kind == BounceKind::kDelay);
    REQUIRE(report.recipients.size() == 1);
    CHECK(report.recipients[0].failure_class == FailureClass::kTemporary);
  }
  SECTION("a permanent recipient beside a delayed one makes a bounce") {
    const BounceReport report = ParseBounce(
        Dsn("Final-Recipient: rfc822; slow@example.org\nAction: delayed\nStatus: 4.4.1\n\n"
            "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n"));
    CHECK(report.kind == BounceKind::kBounce);
    CHECK(report.recipients.size() == 2);
  }
}

TEST_CASE("RFC 3464 section 2.3.3: delivered, relayed and expanded recipients are no failures",
          "[bounce][dsn]") {
  const BounceReport report = ParseBounce(
      Dsn("Final-Recipient: rfc822; fine@example.org\nAction: delivered\nStatus: 2.0.0\n\n"
          "Final-Recipient: rfc822; relay@example.org\nAction: relayed\nStatus: 2.0.0\n\n"
          "Final-Recipient: rfc822; alias@example.org\nAction: expanded\nStatus: 2.0.0\n"));
  CHECK(report.kind == BounceKind::kNotABounce);
  CHECK(report.recipients.empty());
}

TEST_CASE("RFC 3464 section 2.1: folded fields and field names in any case are read",
          "[bounce][dsn]") {
  const BounceReport report =
      ParseBounce(Dsn("FINAL-RECIPIENT: RFC822;\n    folded@example.org\n"
                      "action: Failed\n"
                      "status: 5.7.1 (delivery not authorized)\n"
                      "Diagnostic-Code: smtp; 550 5.7.1 message\n    refused\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "folded@example.org");
  CHECK(report.recipients[0].action == "failed");
  CHECK(report.recipients[0].status == "5.7.1");
  CHECK(report.recipients[0].diagnostic == "550 5.7.1 message refused");
}

TEST_CASE("RFC 3463 section 2: status codes are class.subject.detail of 2, 4 or 5",
          "[bounce][dsn]") {
  using listd::inbound::FindStatusCode;
  using listd::inbound::StatusCodeAt;
  CHECK(StatusCodeAt("5.1.1").value_or("") == "5.1.1");
  CHECK(StatusCodeAt("4.4.7 (expired)").value_or("") == "4.4.7");
  CHECK(StatusCodeAt("5.123.456").value_or("") == "5.123.456");
  CHECK_FALSE(StatusCodeAt("3.1.1").has_value());
  CHECK_FALSE(StatusCodeAt("5.1").has_value());
  CHECK_FALSE(StatusCodeAt("5.1.1234").has_value());
  CHECK(FindStatusCode("550 5.1.1 user unknown") == "5.1.1");
  CHECK(FindStatusCode("version 10.5.1.1 only") == "");
}

TEST_CASE("RFC 3464: a status missing from the group is taken from the Diagnostic-Code",
          "[bounce][dsn]") {
  const BounceReport report =
      ParseBounce(Dsn("Final-Recipient: rfc822; x@example.org\nAction: failed\n"
                      "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].status == "5.2.2");
}

// ---- RFC 5965 feedback reports -------------------------------------------

TEST_CASE(
    "RFC 5965 section 3: a feedback report is a complaint naming Original-Rcpt-To and the "
    "returned message",
    "[bounce][arf]") {
  const BounceReport report = ParseBounce(Report("feedback-report", "message/feedback-report",
                                                 "Feedback-Type: abuse\n"
                                                 "User-Agent: SomeGenerator/1.0\n"
                                                 "Version: 1\n"
                                                 "Original-Rcpt-To: <Member@Example.COM>\n",
                                                 "From: demo@lists.example.org\n"
                                                 "To: demo@lists.example.org\n"
                                                 "List-Id: Demo <demo.lists.example.org>\n"
                                                 "Message-ID: <post-7@lists.example.org>\n"));
  CHECK(report.kind == BounceKind::kComplaint);
  CHECK(report.recogniser == "arf");
  CHECK(report.complaint.feedback_type == "abuse");
  CHECK(report.complaint.original_rcpt == "Member@example.com");
  CHECK(report.complaint.list_id == "Demo <demo.lists.example.org>");
  CHECK(report.complaint.message_id == "<post-7@lists.example.org>");
  CHECK(report.complaint.to == "demo@lists.example.org");
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].action == "complained");
}

TEST_CASE(
    "RFC 5965 section 2: a report without Original-Rcpt-To is still a complaint with the "
    "returned List-Id",
    "[bounce][arf]") {
  const BounceReport report = ParseBounce(
      Report("feedback-report", "message/feedback-report", "Feedback-Type: abuse\nVersion: 1\n"));
  CHECK(report.kind == BounceKind::kComplaint);
  CHECK(report.recipients.empty());
  CHECK(report.complaint.list_id == "<demo.lists.example.org>");
}

// ---- RFC 3834 auto-replies and receipts ----------------------------------

TEST_CASE("RFC 3834 section 5: auto-replies are never failures", "[bounce][auto-reply]") {
  const std::string body = "I am away until Monday and cannot read mail to alice@example.org.\n";
  SECTION("Auto-Submitted: auto-replied with a vacation Subject") {
    const BounceReport report =
        ParseBounce(Plain("Out of Office: hello", body, "Auto-Submitted: auto-replied\n"));
    CHECK(report.kind == BounceKind::kAutoReply);
    CHECK(report.recipients.empty());
  }
  SECTION("X-Autoreply") {
    CHECK(ParseBounce(Plain("Re: hello", body, "X-Autoreply: yes\n")).kind ==
          BounceKind::kAutoReply);
  }
  SECTION("X-Autorespond") {
    CHECK(ParseBounce(Plain("Re: hello", body, "X-Autorespond: on\n")).kind ==
          BounceKind::kAutoReply);
  }
  SECTION("Precedence: auto_reply") {
    CHECK(ParseBounce(Plain("Re: hello", body, "Precedence: auto_reply\n")).kind ==
          BounceKind::kAutoReply);
  }
  SECTION("Automatic reply subject") {
    CHECK(ParseBounce(Plain("Automatic reply: hello", body)).kind == BounceKind::kAutoReply);
  }
  SECTION("a vacation reply that mentions undeliverable words is still an auto-reply") {
    const BounceReport report = ParseBounce(
        Plain("Out of Office", "Mail to alice@example.org could not be delivered to me today.\n",
              "Auto-Submitted: auto-replied\n"));
    CHECK(report.kind == BounceKind::kAutoReply);
    CHECK(report.recipients.empty());
  }
}

TEST_CASE("RFC 8098: a disposition notification (read receipt) is an auto-reply",
          "[bounce][auto-reply]") {
  const BounceReport report = ParseBounce(Report(
      "disposition-notification", "message/disposition-notification",
      "Final-Recipient: rfc822; alice@example.org\nDisposition: manual-action/MDN-sent-manually; "
      "displayed\n"));
  CHECK(report.kind == BounceKind::kAutoReply);
  CHECK(report.recogniser == "mdn");
  CHECK(report.recipients.empty());
}

TEST_CASE("a person's ordinary mail to -bounces is not a bounce", "[bounce]") {
  const BounceReport report = ParseBounce(
      Crlf("From: alice@example.org\nTo: demo-bounces@lists.example.org\n"
           "Subject: question\n\nHow do I leave the list? Write to bob@example.org.\n"));
  CHECK(report.kind == BounceKind::kNotABounce);
  CHECK(report.recipients.empty());
  CHECK_FALSE(report.reason.empty());
}

// ---- Non-standard bounces (mta_formats.h) --------------------------------

namespace {

struct FormatCase {
  const char* name;
  const char* recogniser;
  const char* subject;
  const char* body;
  const char* address;
  FailureClass failure_class;
  const char* status;
};

const FormatCase kFormats[] = {
    {"Postfix plain-text part", "postfix", "Undelivered Mail Returned to Sender",
     "This is the mail system at host mx.example.net.\n\n"
     "I'm sorry to have to inform you that your message could not\n"
     "be delivered to one or more recipients.\n\n"
     "                   The mail system\n\n"
     "<gone@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1\n"
     "    <gone@example.org>: Recipient address rejected: User unknown\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.1"},
    {"Postfix delay warning", "postfix", "Delayed Mail (still being retried)",
     "This is the mail system at host mx.example.net.\n\n"
     "####################################################################\n"
     "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
     "####################################################################\n\n"
     "Your message could not be delivered for more than 4 hour(s).\n"
     "It will be retried until it is 5 day(s) old.\n\n"
     "<slow@example.org>: connect to mx.example.org[192.0.2.1]:25: Connection timed out\n",
     "slow@example.org", FailureClass::kTemporary, ""},
    {"qmail", "qmail", "failure notice",
     "Hi. This is the qmail-send program at mx.example.net.\n"
     "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
     "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
     "<gone@example.org>:\n"
     "192.0.2.1 does not like recipient.\n"
     "Remote host said: 550 5.1.1 no such user\n"
     "Giving up on 192.0.2.1.\n\n"
     "--- Below this line is a copy of the message.\n\n"
     "Return-Path: <demo-bounces@lists.example.org>\n"
     "To: other@example.com\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.1"},
    {"Exim", "exim", "Mail delivery failed: returning message to sender",
     "This message was created automatically by mail delivery software.\n\n"
     "A message that you sent could not be delivered to one or more of its\n"
     "recipients. This is a permanent error. The following address(es) failed:\n\n"
     "  gone@example.org\n"
     "    host mx.example.org [192.0.2.1]\n"
     "    SMTP error from remote mail server after RCPT TO:<gone@example.org>:\n"
     "    550 5.1.1 User unknown\n\n"
     "------ This is a copy of the message, including all the headers. ------\n"
     "To: other@example.com\n",
     "gone@example.org", FailureClass::kPermanent, ""},
    {"Exim delay warning", "exim", "Warning: message 1abc-000 delayed 24 hours",
     "This message was created automatically by mail delivery software.\n"
     "A message that you sent has not yet been delivered to one or more of its\n"
     "recipients after more than 24 hours on the queue on mx.example.net.\n\n"
     "The address to which the message has not yet been delivered is:\n\n"
     "  slow@example.org\n"
     "    Delay reason: connection timed out\n\n"
     "No action is required on your part.\n",
     "slow@example.org", FailureClass::kTemporary, ""},
    {"Sendmail", "sendmail", "Returned mail: see transcript for details",
     "The original message was received at Mon, 1 Dec 2026 10:00:00 GMT\n"
     "from lists.example.org [192.0.2.9]\n\n"
     "   ----- The following addresses had permanent fatal errors -----\n"
     "<gone@example.org>\n"
     "    (reason: 550 5.1.1 <gone@example.org>... User unknown)\n\n"
     "   ----- Transcript of session follows -----\n"
     "... while talking to mx.example.org.:\n"
     ">>> RCPT To:<gone@example.org>\n"
     "<<< 550 5.1.1 <gone@example.org>... User unknown\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.1"},
    {"Courier", "courier", "NOTICE: mail delivery status.",
     "This is a delivery status notification from mx.example.net,\n"
     "running the Courier mail server.\n\n"
     "Your message to the following recipients cannot be delivered:\n\n"
     "<gone@example.org>:\n"
     "    mx.example.org [192.0.2.1]:\n"
     "<<< 550 5.1.1 User unknown\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.1"},
    {"OpenSMTPD", "opensmtpd", "Delivery status notification: error",
     "Hi!\n\n"
     "This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
     "An error has occurred while attempting to deliver a message for\n"
     "the following list of recipients:\n\n"
     "gone@example.org: 550 5.1.1 Mailbox unavailable\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.1"},
    {"Office 365", "exchange", "Undeliverable: hello",
     "Your message to gone@example.org couldn't be delivered.\n"
     "gone wasn't found at example.org.\n\n"
     "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'\n",
     "gone@example.org", FailureClass::kPermanent, "5.1.10"},
    {"Exchange 2007", "exchange", "Undeliverable: hello",
     "Delivery has failed to these recipients or groups:\n\n"
     "gone@example.org\n"
     "The e-mail address you entered couldn't be found.\n",
     "gone@example.org", FailureClass::kPermanent, ""},
    {"Gmail", "gmail", "Delivery Status Notification (Failure)",
     "Delivery to the following recipient failed permanently:\n\n"
     "     gone@example.org\n\n"
     "Technical details of permanent failure:\n"
     "The email account that you tried to reach does not exist. 550 5.1.1\n",
     "gone@example.org", FailureClass::kPermanent, ""},
    {"Gmail delay", "gmail", "Delivery Status Notification (Delay)",
     "Delivery to the following recipient has been delayed:\n\n"
     "     slow@example.org\n\n"
     "Message will be retried for 2 more day(s)\n",
     "slow@example.org", FailureClass::kTemporary, ""},
    {"Yahoo", "yahoo", "Failure Notice",
     "Sorry, we were unable to deliver your message to the following address.\n\n"
     "<gone@example.org>:\n"
     "Remote host said: 554 delivery error: dd This user doesn't have an account\n",
     "gone@example.org", FailureClass::kPermanent, "5.0.0"},
    {"Amazon SES", "ses", "Delivery Status Notification (Failure)",
     "An error occurred while trying to deliver the mail to the following recipients:\n"
     "gone@example.org\n",
     "gone@example.org", FailureClass::kPermanent, ""},
    {"simple human-readable", "simple", "Returned mail",
     "Your message could not be delivered to gone@example.org because the mailbox\n"
     "does not exist here.\n",
     "gone@example.org", FailureClass::kPermanent, ""},
};

}  // namespace

TEST_CASE("non-standard bounces: each format's failed address, class and code",
          "[bounce][formats]") {
  for (const FormatCase& c : kFormats) {
    INFO(c.name);
    const BounceReport report = ParseBounce(Plain(c.subject, c.body));
    CHECK(report.recogniser == c.recogniser);
    REQUIRE(report.recipients.size() == 1);
    CHECK(report.recipients[0].address == c.address);
    CHECK(report.recipients[0].failure_class == c.failure_class);
    CHECK(report.kind ==
          (c.failure_class == FailureClass::kPermanent ? BounceKind::kBounce : BounceKind::kDelay));
    if (std::string(c.status).size() > 0) CHECK(report.recipients[0].status == c.status);
  }
}

TEST_CASE("non-standard bounces: the returned copy's addresses are never read",
          "[bounce][formats]") {
  const BounceReport report = ParseBounce(
      Plain("failure notice",
            "Hi. This is the qmail-send program at mx.example.net.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
            "<gone@example.org>:\nno mailbox here by that name\n\n"
            "--- Below this line is a copy of the message.\n\n"
            "To: member@example.com\nSubject: user unknown member@example.com\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE("non-standard bounces: postmaster and the sender's own address are not recipients",
          "[bounce][formats]") {
  const BounceReport report = ParseBounce(
      Plain("Undeliverable",
            "Your mail to the following recipients could not be delivered because they are not\n"
            "accepting mail from demo-bounces@lists.example.org:\n"
            "\tgone@example.org\n"
            "Please contact postmaster@example.org for help.\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

// ---- Bad input (the Proof items of issue 12) ------------------------------

TEST_CASE("bad input: a DSN with 10,000 recipient groups is bounded and fast",
          "[bounce][robustness]") {
  std::string groups;
  for (int i = 0; i < 10000; ++i) {
    groups += "Final-Recipient: rfc822; user" + std::to_string(i) +
              "@example.org\nAction: failed\nStatus: 5.1.1\n\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const BounceReport report = ParseBounce(Dsn(groups));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(report.kind == BounceKind::kBounce);
  CHECK(report.recipients.size() == kMaxBounceRecipients);
  CHECK(report.truncated);
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("bad input: a 20 MB bounce is parsed within its bounds", "[bounce][robustness]") {
  std::string body =
      "Hi. This is the qmail-send program at mx.example.net.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<gone@example.org>:\nno mailbox here by that name\n\n"
      "--- Below this line is a copy of the message.\n\n";
  const std::string line(998, 'x');
  while (body.size() < 20u * 1024 * 1024) body += line + "\n";
  const auto start = std::chrono::steady_clock::now();
  const BounceReport report = ParseBounce(Plain("failure notice", body));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
}

TEST_CASE("bad input: broken MIME is parsed or refused with a reason, never a crash",
          "[bounce][robustness]") {
  for (const std::string& message : {
           std::string(""),
           std::string("\r\n\r\n"),
           std::string("no header at all, just words"),
           Crlf("Content-Type: multipart/report; report-type=delivery-status\n\nno boundary\n"),
           Crlf("Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
                "--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; "
                "cut@example.org\nAction: fail"),
           Crlf("Content-Type: multipart/report; boundary=B\n\n--B\n--B--\n"),
           Crlf("Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822;\n"
                "Action: failed\nStatus: 5.\n"),
           std::string("Subject: \xff\xfe\x00\x01\r\n\r\n\xff\xff", 14),
       }) {
    const BounceReport report = ParseBounce(message);
    CHECK_FALSE(report.reason.empty());
    for (const auto& recipient : report.recipients) {
      CHECK(listd::inbound::NormalBounceAddress(recipient.address).ok());
    }
  }
}

TEST_CASE("bad input: a report with no per-recipient fields names nobody and says so",
          "[bounce][robustness]") {
  const BounceReport report = ParseBounce(
      Report("delivery-status", "message/delivery-status",
             "Reporting-MTA: dns; mx.example.net\nArrival-Date: Mon, 1 Dec 2026 10:00:00 +0000\n"));
  CHECK(report.kind == BounceKind::kNotABounce);
  CHECK(report.recipients.empty());
  CHECK(report.reason == "delivery-status report without per-recipient fields");
}

TEST_CASE("bad input: addresses with CR, LF or control bytes are refused with a reason",
          "[bounce][robustness]") {
  using listd::inbound::NormalBounceAddress;
  CHECK_FALSE(NormalBounceAddress("evil@example.org\r\nBcc: x@example.org").ok());
  CHECK_FALSE(NormalBounceAddress("evil\n@example.org").ok());
  CHECK_FALSE(NormalBounceAddress(std::string("evil\0@example.org", 17)).ok());
  CHECK_FALSE(NormalBounceAddress("no-at-sign").ok());
  CHECK_FALSE(NormalBounceAddress("Name <a@example.org>").ok());
  CHECK(NormalBounceAddress("<A.B@Example.ORG>").value() == "A.B@example.org");
  // In a DSN, a field value cannot hold a bare CR, LF or NUL except as a
  // fold, but a control byte inside one is refused, not delivered to.
  const BounceReport report =
      ParseBounce(Dsn(std::string("Final-Recipient: rfc822; evil\x01@example.org\nAction: failed\n"
                                  "Status: 5.1.1\n")));
  CHECK(report.recipients.empty());
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].find("control") != std::string::npos);
}

TEST_CASE("bad input: a diagnostic is one bounded line without control bytes",
          "[bounce][robustness]") {
  const BounceReport report =
      ParseBounce(Dsn("Final-Recipient: rfc822; x@example.org\nAction: failed\nStatus: 5.1.1\n"
                      "Diagnostic-Code: smtp; 550 \x1b[31mred\x7f " +
                      std::string(2000, 'y') + "\n"));
  REQUIRE(report.recipients.size() == 1);
  const std::string& diagnostic = report.recipients[0].diagnostic;
  CHECK(diagnostic.size() <= kMaxDiagnosticBytes);
  CHECK(diagnostic.find('\x1b') == std::string::npos);
  CHECK(diagnostic.find('\x7f') == std::string::npos);
}

TEST_CASE(
    "bad input: a permanent finding that replaces a temporary one has its diagnostic made "
    "safe too",
    "[bounce][robustness]") {
  // Found by fuzz/bounce_fuzzer.cc: the replacement of a known address
  // kept the new diagnostic as it came, escape bytes and all.
  const BounceReport report =
      ParseBounce(Dsn("Final-Recipient: rfc822; x@example.org\nAction: delayed\nStatus: 4.4.1\n\n"
                      "Final-Recipient: rfc822; x@example.org\nAction: failed\nStatus: 5.1.1\n"
                      "Diagnostic-Code: smtp; 550 \x1b]0;owned\x07 gone\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
  CHECK(report.recipients[0].diagnostic.find('\x1b') == std::string::npos);
  CHECK(report.recipients[0].diagnostic.find('\x07') == std::string::npos);
}

TEST_CASE("non-standard bounces: an address alone on its line is explained by the trigger line",
          "[bounce][formats]") {
  const BounceReport report =
      ParseBounce(Plain("Delivery Status Notification (Failure)",
                        "Delivery to the following recipient failed permanently:\n\n"
                        "     gone@example.org\n\n"
                        "Technical details of permanent failure: none given\n"));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].diagnostic ==
        "Delivery to the following recipient failed permanently:");
}

// ---- Google Groups and Gmail (mta_formats.h "google-groups", "gmail") ------

namespace {

// Google Groups' refusal of a post, naming the group as `group`.
std::string GoogleGroupsBody(const std::string& group) {
  return "Hello demo-bounces@lists.example.org,\n\n"
         "We're writing to let you know that the group you tried to contact (" +
         group +
         ") may not exist, or you may not have permission to post messages to the group. A few "
         "more details on why you weren't able to post:\n\n"
         " * You might have spelled or formatted the group name incorrectly.\n"
         " * The owner of the group may have removed this group.\n"
         " * You may need to join the group before receiving permission to post.\n"
         " * This group may not be open to posting.\n\n"
         "If you have questions related to this or any other Google Group, visit the Help "
         "Center at https://groups.google.com/support/.\n\n"
         "Thanks,\n\nGoogle Groups\n";
}

std::string FromGoogle(const std::string& from, const std::string& subject, const std::string& body,
                       const std::string& extra_header = "") {
  return Crlf("From: " + from +
              "\n"
              "To: demo-bounces@lists.example.org\n"
              "Subject: " +
              subject + "\n" + extra_header + "\n" + body);
}

const char kGoogleDaemon[] = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>";

}  // namespace

TEST_CASE("Google Groups: a refusal naming the group by address fails that address, permanently",
          "[bounce][formats][google]") {
  const BounceReport report =
      ParseBounce(FromGoogle(kGoogleDaemon, "Delivery Status Notification (Failure)",
                             GoogleGroupsBody("team@groups.example.com")));
  CHECK(report.kind == BounceKind::kBounce);
  CHECK(report.recogniser == "google-groups");
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "team@groups.example.com");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
  CHECK(report.recipients[0].action == "failed");
  CHECK(report.recipients[0].diagnostic.find("may not exist") != std::string::npos);
}

TEST_CASE("Google Groups: a bare group name takes its domain from X-Failed-Recipients",
          "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(
      FromGoogle(kGoogleDaemon, "Delivery Status Notification (Failure)", GoogleGroupsBody("team"),
                 "X-Failed-Recipients: Team@Groups.Example.com\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "Team@groups.example.com");
  CHECK(report.recipients[0].recogniser == "google-groups");
}

TEST_CASE(
    "Google Groups in Gmail's layout: the address named above the group's refusal is the one "
    "recipient",
    "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(FromGoogle(
      kGoogleDaemon, "Address not found",
      "** Address not found **\n\n"
      "Your message wasn't delivered to friends@googlegroups.com because the address couldn't "
      "be found, or is unable to receive mail.\n\n"
      "The response from the remote server was:\n\n" +
          GoogleGroupsBody("friends")));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "friends@googlegroups.com");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
}

TEST_CASE("Google Groups: a bare name sent by googlegroups.com is a group there",
          "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(FromGoogle(
      "Google Groups <noreply@googlegroups.com>", "Message rejected", GoogleGroupsBody("friends")));
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "friends@googlegroups.com");
}

TEST_CASE(
    "Google Groups: a bare name with no domain anywhere is refused with the reason, and the "
    "greeting's address is never a recipient",
    "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(FromGoogle(
      kGoogleDaemon, "Delivery Status Notification (Failure)", GoogleGroupsBody("support")));
  CHECK(report.kind == BounceKind::kNotABounce);
  CHECK(report.recipients.empty());
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0] == "support: Google Groups names the group without its domain");
  CHECK(report.reason.find("Google Groups refused the post") != std::string::npos);
}

TEST_CASE("Gmail \"Address not found\": the address it wasn't delivered to, permanent, 5.1.1",
          "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(FromGoogle(
      kGoogleDaemon, "Delivery Status Notification (Failure)",
      "** Address not found **\n\n"
      "Your message wasn't delivered to gone@example.org because the address couldn't be found, "
      "or is unable to receive mail.\n\n"
      "Learn more here: https://support.google.com/mail/?p=NoSuchUser\n\n"
      "The response was:\n\n"
      "550 5.1.1 The email account that you tried to reach does not exist. Please try\n"
      "double-checking the recipient's email address for typos or unnecessary spaces.\n"));
  CHECK(report.kind == BounceKind::kBounce);
  CHECK(report.recogniser == "gmail");
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "gone@example.org");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
  CHECK(report.recipients[0].status == "5.1.1");
}

TEST_CASE("Gmail \"Address not found\" for a domain that does not exist is permanent",
          "[bounce][formats][google]") {
  const BounceReport report = ParseBounce(
      FromGoogle(kGoogleDaemon, "Delivery Status Notification (Failure)",
                 "** Address not found **\n\n"
                 "Your message wasn't delivered to someone@nowhere.example because the domain "
                 "nowhere.example couldn't be found. Check for typos or unnecessary spaces and "
                 "try again.\n"));
  CHECK(report.kind == BounceKind::kBounce);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "someone@nowhere.example");
  CHECK(report.recipients[0].failure_class == FailureClass::kPermanent);
}

TEST_CASE(
    "Gmail \"Delivery incomplete\": a temporary problem is a delay, though it says it will "
    "notify if the delivery fails permanently",
    "[bounce][formats][google]") {
  // "permanently" here is a condition, not the outcome (mta_formats.h).
  const BounceReport report = ParseBounce(FromGoogle(
      kGoogleDaemon, "Delivery Status Notification (Delay)",
      "** Delivery incomplete **\n\n"
      "There was a temporary problem delivering your message to slow@example.org. Gmail will "
      "retry for 46 more hours. You'll be notified if the delivery fails permanently.\n\n"
      "The response was:\n\n"
      "The recipient server did not accept our requests to connect.\n"));
  CHECK(report.kind == BounceKind::kDelay);
  REQUIRE(report.recipients.size() == 1);
  CHECK(report.recipients[0].address == "slow@example.org");
  CHECK(report.recipients[0].failure_class == FailureClass::kTemporary);
  CHECK(report.recipients[0].action == "delayed");
}
