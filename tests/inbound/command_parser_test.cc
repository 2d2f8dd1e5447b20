// Command mail: the commands read from a mail to -request
// (listd/inbound/command_parser.h), and the bad input of issue 11: a 1 MB
// mail, 1,000 command lines, encoded subjects, HTML only, address= with
// CR/LF or quotes.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "listd/inbound/command_parser.h"

namespace {

using listd::inbound::Command;
using listd::inbound::CommandMail;
using listd::inbound::CommandVerb;
using listd::inbound::kMaxCommandLines;
using listd::inbound::ParseCommandLine;
using listd::inbound::ParseCommandMail;

std::string Crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A mail to demo-request with `subject` (no Subject field when empty).
std::string Mail(const std::string& subject, const std::string& body,
                 const std::string& extra_header = "") {
  std::string header = "From: Alice <alice@example.org>\nTo: demo-request@lists.example.org\n";
  if (!subject.empty()) header += "Subject: " + subject + "\n";
  return Crlf(header + extra_header + "\n" + body);
}

const std::string kToken = "AbCdEfGhIjKlMnOpQrStUv";  // 22 base64url characters (128 bits)

TEST_CASE("commands: subscribe in the body (RFC 2369 section 3.1 command mail)", "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("", "subscribe\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
  CHECK(mail.commands[0].argument.empty());
  CHECK(mail.commands[0].problem.empty());
  CHECK(mail.commands[0].line == "subscribe");
  CHECK_FALSE(mail.truncated);
  CHECK(mail.problem.empty());
}

TEST_CASE("commands: every verb and its synonyms, in any case", "[commands]") {
  CHECK(ParseCommandLine("JOIN").verb == CommandVerb::kJoin);
  CHECK(ParseCommandLine("Subscribe").verb == CommandVerb::kJoin);
  CHECK(ParseCommandLine("leave").verb == CommandVerb::kLeave);
  CHECK(ParseCommandLine("UnSubscribe").verb == CommandVerb::kLeave);
  CHECK(ParseCommandLine("Confirm " + kToken).verb == CommandVerb::kConfirm);
  CHECK(ParseCommandLine("help me please").verb == CommandVerb::kHelp);
  CHECK(ParseCommandLine("help me please").problem.empty());
  CHECK(ParseCommandLine("END").verb == CommandVerb::kEnd);
  Command unknown = ParseCommandLine("Hello, please add me");
  CHECK(unknown.verb == CommandVerb::kUnknown);
  CHECK(unknown.line == "Hello, please add me");
  CHECK_FALSE(unknown.problem.empty());
}

TEST_CASE("commands: an RFC 2047 encoded Subject is a command (RFC 2047 section 4.2)",
          "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("=?utf-8?q?subscribe?=", ""));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
  CommandMail b = ParseCommandMail(Mail("=?UTF-8?B?aGVscA==?=", ""));
  REQUIRE(b.commands.size() == 1);
  CHECK(b.commands[0].verb == CommandVerb::kHelp);
}

TEST_CASE("commands: reply prefixes come off the Subject, repeated (RFC 5322 section 3.6.5)",
          "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("Re: AW:Fwd: FW: re: confirm " + kToken, ""));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kConfirm);
  CHECK(mail.commands[0].argument == kToken);
}

TEST_CASE("commands: a Subject that is no command is ignored, the body is read", "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("Please add me to the list", "join\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
}

TEST_CASE("commands: a Subject that only starts with a verb is a person's subject line",
          "[commands]") {
  for (const char* subject :
       {"Join us for lunch", "End of term", "Re: Confirm your subscription", "leave of absence"}) {
    INFO(subject);
    CommandMail mail = ParseCommandMail(Mail(subject, "help\n"));
    REQUIRE(mail.commands.size() == 1);
    CHECK(mail.commands[0].verb == CommandVerb::kHelp);
  }
  // Arguments of the verb keep it a command, with its problem if any.
  CommandMail bad = ParseCommandMail(Mail("join address=\"x\"@example.org", ""));
  REQUIRE(bad.commands.size() == 1);
  CHECK_FALSE(bad.commands[0].problem.empty());
  CommandMail short_token = ParseCommandMail(Mail("Re: confirm abc", ""));
  REQUIRE(short_token.commands.size() == 1);
  CHECK(short_token.commands[0].verb == CommandVerb::kConfirm);
  CHECK_FALSE(short_token.commands[0].problem.empty());
}

TEST_CASE("commands: the Subject's command comes first, then the body's", "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("help", "join\nleave\n"));
  REQUIRE(mail.commands.size() == 3);
  CHECK(mail.commands[0].verb == CommandVerb::kHelp);
  CHECK(mail.commands[1].verb == CommandVerb::kJoin);
  CHECK(mail.commands[2].verb == CommandVerb::kLeave);
}

TEST_CASE("commands: a signature block after subscribe is not read (RFC 3676 section 4.3)",
          "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("", "subscribe\n\n-- \nAlice Example\nleave\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
  CommandMail bare = ParseCommandMail(Mail("", "subscribe\n--\nAlice\n"));
  CHECK(bare.commands.size() == 1);
  CommandMail outlook =
      ParseCommandMail(Mail("", "help\n-----Original Message-----\nFrom: bob\nleave\n"));
  CHECK(outlook.commands.size() == 1);
}

TEST_CASE("commands: quoted text ends the commands (RFC 3676 section 4.5)", "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("", "help\n> leave\n> join\nleave\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kHelp);
}

TEST_CASE("commands: an On ... wrote: line above a quote is not a command", "[commands]") {
  CommandMail mail =
      ParseCommandMail(Mail("Re: your request", "confirm " + kToken +
                                                    "\n\nOn Tue, 1 Dec 2026, demo-request wrote:\n"
                                                    "> To confirm, reply\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kConfirm);
  // The attribution as a client wrapped it, over two lines.
  CommandMail wrapped = ParseCommandMail(
      Mail("",
           "join\nOn Tue, 1 Dec 2026 at 10:00, Demo <demo-request@lists.example.org>\n"
           "wrote:\n\n> text\n"));
  REQUIRE(wrapped.commands.size() == 1);
  CHECK(wrapped.commands[0].verb == CommandVerb::kJoin);
}

TEST_CASE("commands: 1,000 command lines: only 10 are read, truncated is set", "[commands]") {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "help\n";
  CommandMail mail = ParseCommandMail(Mail("", body));
  CHECK(mail.commands.size() == kMaxCommandLines);
  CHECK(mail.truncated);
  // The Subject counts against the same limit.
  CommandMail with_subject = ParseCommandMail(Mail("join", body));
  CHECK(with_subject.commands.size() == kMaxCommandLines);
  CHECK(with_subject.commands[0].verb == CommandVerb::kJoin);
  CHECK(with_subject.truncated);
}

TEST_CASE("commands: exactly 10 command lines are not truncated", "[commands]") {
  std::string body;
  for (size_t i = 0; i < kMaxCommandLines; ++i) body += "help\n";
  CommandMail mail = ParseCommandMail(Mail("", body + "\n-- \nsig\n"));
  CHECK(mail.commands.size() == kMaxCommandLines);
  CHECK_FALSE(mail.truncated);
}

TEST_CASE("commands: a 1 MB command mail is read cheaply and correctly", "[commands]") {
  std::string body = "subscribe\n";
  while (body.size() < 1024 * 1024) body += std::string(1000, 'x') + "\n";
  const std::string mail = Mail("", body);
  const auto start = std::chrono::steady_clock::now();
  CommandMail parsed = ParseCommandMail(mail);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(parsed.commands.size() == kMaxCommandLines);
  CHECK(parsed.commands[0].verb == CommandVerb::kJoin);
  CHECK(parsed.commands[1].verb == CommandVerb::kUnknown);
  CHECK(parsed.commands[1].line.size() == 200);
  CHECK(parsed.commands[1].line.substr(197) == "...");
  CHECK(parsed.truncated);
  // Generous for a shared machine; it takes milliseconds.
  CHECK(took < std::chrono::seconds(2));
  // One line of a megabyte (no line break at all).
  CommandMail one_line = ParseCommandMail(Mail("", std::string(1024 * 1024, 'y')));
  REQUIRE(one_line.commands.size() == 1);
  CHECK(one_line.commands[0].verb == CommandVerb::kUnknown);
  CHECK(one_line.commands[0].line.size() <= 200);
}

TEST_CASE("commands: an HTML-only command mail is read", "[commands]") {
  CommandMail mail = ParseCommandMail(
      Mail("",
           "<html><body><div dir=\"ltr\">subscribe<br>help</div><br><div class=\"sig\">"
           "-- <br>Alice</div></body></html>\n",
           "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"));
  REQUIRE(mail.commands.size() == 2);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
  CHECK(mail.commands[1].verb == CommandVerb::kHelp);
}

TEST_CASE("commands: an HTML reply stops at the quoted mail (blockquote)", "[commands]") {
  CommandMail mail =
      ParseCommandMail(Mail("Re: your request",
                            "<div>confirm " + kToken +
                                "</div><div class=\"gmail_quote\">On Tue, Demo wrote:<br>"
                                "<blockquote>leave</blockquote></div>",
                            "MIME-Version: 1.0\nContent-Type: text/html\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].argument == kToken);
}

TEST_CASE("commands: base64 text/plain is read (RFC 2045 section 6.8)", "[commands]") {
  // "leave\r\n" in base64.
  CommandMail mail = ParseCommandMail(
      Mail("", "bGVhdmUNCg==\n",
           "MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n"));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kLeave);
}

TEST_CASE("commands: join address= names a valid address (RFC 5322 section 3.4.1)", "[commands]") {
  Command join = ParseCommandLine("join address=Bob@Example.ORG");
  CHECK(join.verb == CommandVerb::kJoin);
  CHECK(join.problem.empty());
  CHECK(join.argument == "Bob@example.org");
  CHECK(ParseCommandLine("subscribe ADDRESS=o'brien@example.org").argument ==
        "o'brien@example.org");
}

TEST_CASE("commands: address= with CR/LF from an encoded Subject is refused", "[commands]") {
  CommandMail mail = ParseCommandMail(
      Mail("=?utf-8?q?subscribe_address=3Dx@example.org=0D=0ABcc:_victim@example.net?=", ""));
  REQUIRE(mail.commands.size() == 1);
  CHECK(mail.commands[0].verb == CommandVerb::kJoin);
  CHECK(mail.commands[0].argument.empty());
  CHECK(mail.commands[0].problem.rfind("address= is not a valid address", 0) == 0);
  CHECK(mail.commands[0].line.find('\r') == std::string::npos);
  CHECK(mail.commands[0].line.find('\n') == std::string::npos);
  // A lone CR inside a body line.
  Command cr = ParseCommandLine("join address=x@example.org\rBcc:");
  CHECK(cr.argument.empty());
  CHECK_FALSE(cr.problem.empty());
}

TEST_CASE("commands: address= with quotes or angle brackets is refused", "[commands]") {
  for (const char* line :
       {"join address=\"a b\"@example.org", "join address=\"x\"@example.org",
        "join address=<x@example.org>", "join address=x@example.org>",
        "join address=", "join address=not-an-address",
        "join address=x@example.org address=y@example.org", "join x@example.org"}) {
    INFO(line);
    Command command = ParseCommandLine(line);
    CHECK(command.verb == CommandVerb::kJoin);
    CHECK(command.argument.empty());
    CHECK_FALSE(command.problem.empty());
  }
  CHECK(ParseCommandLine("join address=<x@example.org>")
            .problem.rfind("address= is not a valid address", 0) == 0);
}

TEST_CASE("commands: leave takes no address (a leave is for the sender)", "[commands]") {
  Command leave = ParseCommandLine("unsubscribe address=bob@example.org");
  CHECK(leave.verb == CommandVerb::kLeave);
  CHECK(leave.argument.empty());
  CHECK(leave.problem == "leave takes no address: only the member's own address can leave");
}

TEST_CASE(
    "commands: confirm without a token, with a bad token, with a good one (RFC 4648 "
    "section 5)",
    "[commands]") {
  Command none = ParseCommandLine("confirm");
  CHECK(none.verb == CommandVerb::kConfirm);
  CHECK(none.problem == "confirm needs a token");
  CHECK(none.argument.empty());
  for (const std::string& bad :
       {std::string("short"), std::string(129, 'a'), std::string("abcdefghijklmnop+/"),
        std::string("abcdefghijklmnop=")}) {
    INFO(bad);
    Command command = ParseCommandLine("confirm " + bad);
    CHECK_FALSE(command.problem.empty());
    CHECK(command.argument.empty());
  }
  CHECK(ParseCommandLine("confirm " + kToken + " extra").argument.empty());
  Command good = ParseCommandLine("confirm " + std::string(16, '-'));
  CHECK(good.problem.empty());
  CHECK(ParseCommandLine("confirm " + std::string(128, '_')).problem.empty());
}

TEST_CASE("commands: end stops reading and is itself a command", "[commands]") {
  CommandMail mail = ParseCommandMail(Mail("", "help\nend\nleave\n"));
  REQUIRE(mail.commands.size() == 2);
  CHECK(mail.commands[1].verb == CommandVerb::kEnd);
  CommandMail subject_end = ParseCommandMail(Mail("end", "leave\n"));
  REQUIRE(subject_end.commands.size() == 1);
  CHECK(subject_end.commands[0].verb == CommandVerb::kEnd);
}

TEST_CASE("commands: a line is made safe to quote: no control bytes, at most 200 bytes",
          "[commands]") {
  Command command = ParseCommandLine("hel\x01lo\x1b[31m \xE2\x80\xAEtxt.exe\x7F");
  CHECK(command.line == "hello[31m txt.exe");
  Command long_line = ParseCommandLine(std::string(300, '\xC3') + "x");
  CHECK(long_line.line.size() <= 200);
  // 196 ASCII bytes, then "é" across bytes 196 and 197: the cut at 197
  // would split it, so the line ends before it.
  const std::string ascii = std::string(150, 'a') + std::string(46, 'b');
  Command cut = ParseCommandLine(ascii + "\xC3\xA9\xC3\xA9" + std::string(20, 'c'));
  CHECK(cut.line == ascii + "...");
}

TEST_CASE("commands: bytes that are no message give a problem, not a command", "[commands]") {
  CommandMail mail = ParseCommandMail("garbage");
  CHECK(mail.commands.empty());
  CHECK(mail.problem.rfind("the mail cannot be read", 0) == 0);
}

TEST_CASE("commands: a mail without any command says so", "[commands]") {
  CommandMail empty = ParseCommandMail(Mail("Hello", "\n\n> quoted only\n"));
  CHECK(empty.commands.empty());
  CHECK_FALSE(empty.problem.empty());
  CHECK_FALSE(empty.truncated);
}

}  // namespace
