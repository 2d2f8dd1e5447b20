// The answer guard: mail that must not be answered (RFC 3834 section 2 and
// issue 11's list) is refused with a reason, a person's command mail is
// not (listd/inbound/answer_guard.h).
#include <catch2/catch.hpp>
#include <string>

#include "listd/inbound/answer_guard.h"

namespace {

using listd::inbound::AnswerGuardInput;
using listd::inbound::AnswerVerdict;
using listd::inbound::MayAnswer;

std::string Crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A command mail from Alice with `extra` header lines.
std::string Mail(const std::string& extra, const std::string& from = "Alice <alice@example.org>") {
  return Crlf("From: " + from + "\nTo: demo-request@lists.example.org\nSubject: help\n" + extra +
              "\nhelp\n");
}

AnswerVerdict Check(const std::string& message, const std::string& envelope_from) {
  AnswerGuardInput input;
  input.message = message;
  input.envelope_from = envelope_from;
  input.list_local_part = "demo";
  input.list_domain = "lists.example.org";
  input.list_id = "demo.lists.example.org";
  return MayAnswer(input);
}

void RequireRefused(const std::string& message, const std::string& envelope_from,
                    const std::string& reason_part) {
  INFO(message);
  INFO(envelope_from);
  AnswerVerdict verdict = Check(message, envelope_from);
  CHECK_FALSE(verdict.may_answer);
  INFO(verdict.reason);
  CHECK(verdict.reason.find(reason_part) != std::string::npos);
}

TEST_CASE("answer guard: a person's command mail may be answered", "[answer_guard]") {
  AnswerVerdict verdict = Check(Mail(""), "alice@example.org");
  CHECK(verdict.may_answer);
  CHECK(verdict.reason.empty());
  CHECK(Check(Mail(""), "<alice@example.org>").may_answer);
}

TEST_CASE("answer guard: never a null return path (RFC 3834 section 2, RFC 5321 section 4.5.5)",
          "[answer_guard]") {
  RequireRefused(Mail(""), "", "null");
  RequireRefused(Mail(""), "<>", "null");
  RequireRefused(Mail(""), " < > ", "null");
}

TEST_CASE(
    "answer guard: not MAILER-DAEMON or postmaster, in any case (RFC 3834 section 2, RFC "
    "2142 section 5)",
    "[answer_guard]") {
  for (const char* path : {"MAILER-DAEMON@mx.example.org", "mailer-daemon@example.org",
                           "Postmaster@example.org", "MAILER-DAEMON"}) {
    RequireRefused(Mail(""), path, "mail system");
  }
}

TEST_CASE("answer guard: not list software: owner-*, *-request, *-bounces (RFC 3834 section 2)",
          "[answer_guard]") {
  for (const char* path :
       {"owner-other@lists.example.net", "other-request@lists.example.net",
        "other-bounces@lists.example.net", "other-bounces+alice=example.org@lists.example.net",
        "Other-Request@lists.example.net"}) {
    RequireRefused(Mail(""), path, "list software");
  }
}

TEST_CASE("answer guard: not a return path that is one of our own addresses", "[answer_guard]") {
  for (const char* path :
       {"demo@lists.example.org", "DEMO@Lists.Example.ORG", "demo-join@lists.example.org",
        "demo-owner@lists.example.org", "demo-confirm+AbCdEfGhIjKlMnOpQrSt@lists.example.org"}) {
    RequireRefused(Mail(""), path, "own address");
  }
  // The same local part at another domain is somebody else.
  CHECK(Check(Mail(""), "demo@example.org").may_answer);
  RequireRefused(Mail(""), "not an address", "cannot be read");
}

TEST_CASE(
    "answer guard: Auto-Submitted other than no is not answered (RFC 3834 sections 2 and "
    "5.1)",
    "[answer_guard]") {
  RequireRefused(Mail("Auto-Submitted: auto-replied\n"), "alice@example.org", "auto-replied");
  RequireRefused(Mail("Auto-Submitted: AUTO-GENERATED; x-reason=cron\n"), "alice@example.org",
                 "auto-generated");
  RequireRefused(Mail("Auto-Submitted: (robot) auto-notified\n"), "alice@example.org",
                 "auto-notified");
  RequireRefused(Mail("Auto-Submitted:\n"), "alice@example.org", "without a keyword");
  // "no", in any case, with a comment or a parameter, is a human's mail.
  CHECK(Check(Mail("Auto-Submitted: No (sent by hand)\n"), "alice@example.org").may_answer);
  CHECK(Check(Mail("Auto-Submitted: no; x-test=1\n"), "alice@example.org").may_answer);
  // Any one of several fields that is not "no" refuses.
  RequireRefused(Mail("Auto-Submitted: no\nAuto-Submitted: auto-replied\n"), "alice@example.org",
                 "auto-replied");
}

TEST_CASE("answer guard: Precedence bulk, junk or list is not answered (RFC 3834 section 2)",
          "[answer_guard]") {
  for (const char* value : {"bulk", "Junk", "LIST", " list (from a list)"}) {
    RequireRefused(Mail(std::string("Precedence:") + value + "\n"), "alice@example.org",
                   "Precedence");
  }
  CHECK(Check(Mail("Precedence: first-class\n"), "alice@example.org").may_answer);
}

TEST_CASE("answer guard: a delivery report is not answered (RFC 6522 section 3)",
          "[answer_guard]") {
  RequireRefused(
      Mail("MIME-Version: 1.0\nContent-Type: Multipart/Report; report-type=delivery-status;\n"
           " boundary=\"x\"\n"),
      "alice@example.org", "multipart/report");
}

TEST_CASE("answer guard: a From or Sender of ours is not answered", "[answer_guard]") {
  RequireRefused(Mail("", "Demo list <demo@lists.example.org>"), "alice@example.org",
                 "From or Sender");
  RequireRefused(Mail("", "demo-request@LISTS.example.org"), "alice@example.org", "From or Sender");
  RequireRefused(Mail("Sender: demo-bounces@lists.example.org\n"), "alice@example.org",
                 "From or Sender");
  CHECK(Check(Mail("", "demo@elsewhere.example"), "alice@example.org").may_answer);
}

TEST_CASE("answer guard: our List-Id is not answered (RFC 2919 section 3)", "[answer_guard]") {
  RequireRefused(Mail("List-Id: The demo list <Demo.Lists.Example.Org>\n"), "alice@example.org",
                 "List-Id");
  RequireRefused(Mail("List-Id: demo.lists.example.org\n"), "alice@example.org", "List-Id");
  CHECK(Check(Mail("List-Id: <other.lists.example.org>\n"), "alice@example.org").may_answer);
}

TEST_CASE("answer guard: an X-Loop naming our list is not answered", "[answer_guard]") {
  RequireRefused(Mail("X-Loop: demo@lists.example.org\n"), "alice@example.org", "X-Loop");
  RequireRefused(Mail("X-Loop: <DEMO-request@lists.example.org>\n"), "alice@example.org", "X-Loop");
  CHECK(Check(Mail("X-Loop: other@lists.example.org\n"), "alice@example.org").may_answer);
}

TEST_CASE("answer guard: mail that is not a message is not answered", "[answer_guard]") {
  RequireRefused(Crlf("this is not a header line\nnor this\n\nbody\n"), "alice@example.org",
                 "cannot be read as a message");
}

}  // namespace
