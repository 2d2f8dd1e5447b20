// The parsers of command mail on damaged input: thousands of mails made
// by mutating real ones (fixed seed, so a failure repeats) never crash any
// of them, and every promise the headers make about their output holds:
// valid UTF-8, no control bytes in anything quoted back, the size limits,
// at most kMaxCommandLines commands, arguments that passed their checks.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "listd/inbound/answer_guard.h"
#include "listd/inbound/bounce_parser.h"
#include "listd/inbound/bounce_recipients.h"
#include "listd/inbound/command_parser.h"
#include "listd/inbound/mail_text.h"
#include "listd/inbound/moderation_reply.h"
#include "listd/inbound/text_lines.h"

namespace {

using namespace listd::inbound;

std::string Crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::vector<std::string> Seeds() {
  const std::string head = "From: Alice <alice@example.org>\nTo: demo-request@lists.example.org\n";
  return {
      Crlf(head + "Subject: =?utf-8?q?subscribe_address=3Dbob@example.org?=\n\n"
                  "join address=carol@example.org\nconfirm AbCdEfGhIjKlMnOpQrStUv\nhelp\n-- \nA\n"),
      Crlf(head + "Subject: Re: approve\nMIME-Version: 1.0\nContent-Type: text/html\n\n"
                  "<div>reject &lt;spam&gt; &#x202E;x</div><blockquote>approve</blockquote>\n"),
      Crlf(head + "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; "
                  "boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\n"
                  "Content-Transfer-Encoding: quoted-printable\n\nleave=0D=0Ahelp=FF\n--b\n"
                  "Content-Type: text/html\n\n<p>help</p>\n--b--\n"),
      Crlf(head + "Subject: help\nAuto-Submitted: no (x)\nPrecedence: first-class\n"
                  "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                  "c3Vic2NyaWJlDQpoZWxwDQo=\n"),
  };
}

bool HasControl(const std::string& text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

std::string Mutate(std::string mail, std::mt19937& rng, const std::vector<std::string>& seeds) {
  static const std::string kNasty = std::string("\r\n\0\xFF\xC3<>=?\"'-:;()@ \t", 19);
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    const size_t at = mail.empty() ? 0 : rng() % mail.size();
    switch (rng() % 5) {
      case 0:  // a byte changed
        if (!mail.empty()) mail[at] = static_cast<char>(rng() % 256);
        break;
      case 1:  // a nasty byte put in
        mail.insert(at, 1, kNasty[rng() % kNasty.size()]);
        break;
      case 2:  // a stretch cut out
        mail.erase(at, rng() % 64);
        break;
      case 3:  // a stretch repeated
        mail.insert(at, mail.substr(at, rng() % 64));
        break;
      default: {  // a piece of another mail spliced in
        const std::string& other = seeds[rng() % seeds.size()];
        const size_t from = rng() % other.size();
        mail.insert(at, other.substr(from, rng() % 200));
      }
    }
  }
  return mail;
}

TEST_CASE("robustness: mutated mails keep every parser's promises", "[robustness]") {
  const std::vector<std::string> seeds = Seeds();
  std::mt19937 rng(20261202);
  size_t commands_seen = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string mail = Mutate(seeds[static_cast<size_t>(round) % seeds.size()], rng, seeds);

    base::Result<std::string> text = FirstTextOf(mail);
    if (text.ok()) {
      REQUIRE(text->size() <= kMaxTextBytes);
      REQUIRE(ValidUtf8(*text) == *text);
    }

    const CommandMail parsed = ParseCommandMail(mail);
    REQUIRE(parsed.commands.size() <= kMaxCommandLines);
    REQUIRE((parsed.commands.empty() == !parsed.problem.empty()));
    for (const Command& command : parsed.commands) {
      commands_seen++;
      REQUIRE(command.line.size() <= kMaxQuotedLine);
      REQUIRE(ValidUtf8(command.line) == command.line);
      REQUIRE_FALSE(HasControl(command.line));
      REQUIRE_FALSE(HasControl(command.problem));
      if (!command.problem.empty()) REQUIRE(command.argument.empty());
      if (command.verb == CommandVerb::kConfirm && command.problem.empty()) {
        REQUIRE(IsValidToken(command.argument));
      }
      if (command.verb == CommandVerb::kJoin && !command.argument.empty()) {
        REQUIRE_FALSE(HasControl(command.argument));
        REQUIRE(command.argument.find_first_of("\"<>") == std::string::npos);
      }
      if (command.verb != CommandVerb::kJoin && command.verb != CommandVerb::kConfirm) {
        REQUIRE(command.argument.empty());
      }
    }

    const ModerationReply reply = ParseModerationReply(mail);
    REQUIRE(reply.reason.size() <= kMaxReasonBytes);
    REQUIRE(ValidUtf8(reply.reason) == reply.reason);
    REQUIRE_FALSE(HasControl(reply.reason));
    if (reply.verb != ModerationVerb::kReject) REQUIRE(reply.reason.empty());

    AnswerGuardInput input;
    input.message = mail;
    input.envelope_from = round % 7 == 0 ? "" : "alice@example.org";
    input.list_local_part = "demo";
    input.list_domain = "lists.example.org";
    input.list_id = "demo.lists.example.org";
    const AnswerVerdict verdict = MayAnswer(input);
    REQUIRE(verdict.may_answer == verdict.reason.empty());
    REQUIRE_FALSE(HasControl(verdict.reason));
  }
  // The mutations left most mails readable: the loop above checked commands.
  CHECK(commands_seen > 10000);
}

// Bounces of each shape the text recognisers and the notice signs read
// (a challenge, Google Groups, a receipt, a qmail bounce, a DSN).
std::vector<std::string> BounceSeeds() {
  const std::string head = "To: demo-bounces@lists.example.org\n";
  return {
      Crlf("From: alice-confirm-1.ab@example.org\n" + head +
           "Subject: Please confirm your message\n\n"
           "This message was created automatically by mail delivery software (TMDA).\n"
           "To release your message, send an empty message to the following address:\n"
           "   alice-confirm-1.ab@example.org\n--- Enclosed is a copy of your message.\n"),
      Crlf("From: mailer-daemon@googlemail.com\n" + head +
           "X-Failed-Recipients: team@groups.example.com\nSubject: Address not found\n\n"
           "Your message wasn't delivered to team@groups.example.com because the address "
           "couldn't be found.\nWe're writing to let you know that the group you tried to "
           "contact (team) may not exist, or you may not have permission to post messages to "
           "the group.\n"),
      Crlf("From: postmaster@example.com\n" + head +
           "Subject: Delivered: hello\n\nYour message has been delivered to the following "
           "recipients:\n\nalice@example.com (alice@example.com)\n"),
      Crlf("From: MAILER-DAEMON@mx.example.net\n" + head +
           "Subject: failure notice\n\nHi. This is the qmail-send program at mx.example.net.\n"
           "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
           "<gone@example.org>:\nRemote host said: 550 5.1.1 no such user\n\n"
           "--- Below this line is a copy of the message.\n\nTo: x@example.org\n"),
      Crlf("From: MAILER-DAEMON@mx.example.net\n" + head +
           "Subject: Undelivered\nMIME-Version: 1.0\nContent-Type: multipart/report; "
           "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
           "Please verify the address.\n--B\nContent-Type: message/delivery-status\n\n"
           "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; gone@example.org\n"
           "Action: failed\nStatus: 5.1.1\n--B--\n"),
  };
}

TEST_CASE("robustness: mutated bounces keep the bounce report's contract", "[robustness][bounce]") {
  // listd/service/bounce_report.h: valid addresses, one safe bounded line
  // of diagnostic, and only a bounce or a delay names recipients with the
  // class that makes its kind.
  const std::vector<std::string> seeds = BounceSeeds();
  std::mt19937 rng(20261203);
  size_t failures_seen = 0;
  size_t notices_seen = 0;
  for (int round = 0; round < 6000; ++round) {
    const std::string mail = Mutate(seeds[static_cast<size_t>(round) % seeds.size()], rng, seeds);
    const BounceReport report = ParseBounce(mail);
    REQUIRE_FALSE(HasControl(report.reason));
    bool permanent = false;
    for (const BounceRecipient& recipient : report.recipients) {
      REQUIRE(NormalBounceAddress(recipient.address).ok());
      REQUIRE(NormalBounceAddress(recipient.address).value() == recipient.address);
      REQUIRE(recipient.diagnostic.size() <= kMaxDiagnosticBytes);
      REQUIRE(ValidUtf8(recipient.diagnostic) == recipient.diagnostic);
      REQUIRE_FALSE(HasControl(recipient.diagnostic));
      permanent = permanent || recipient.failure_class == FailureClass::kPermanent;
    }
    if (report.kind == BounceKind::kAutoReply || report.kind == BounceKind::kNotABounce) {
      REQUIRE(report.recipients.empty());
      if (report.kind == BounceKind::kAutoReply) ++notices_seen;
    }
    if (report.kind == BounceKind::kBounce) {
      REQUIRE(permanent);
      ++failures_seen;
    }
    if (report.kind == BounceKind::kDelay) REQUIRE_FALSE(permanent);
  }
  // The mutations left most mails readable as what they were.
  CHECK(failures_seen > 1000);
  CHECK(notices_seen > 1000);
}

}  // namespace
