// decorator: the whole decorate stage on raw posts; what it does not
// concern keeps its exact bytes (the DKIM re-signing depends on it).
#include "listd/mime/decorator.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "listd/mime/header_edit.h"
#include "listd/mime/text_codec.h"
#include "mime_test_support.h"

namespace listd::mime {
namespace {

using testing::CheckRoundTrip;
using testing::Crlf;
using testing::DecodedSubject;
using testing::HeaderLines;
using testing::LeafParts;

const std::string kPost = Crlf(
    "Received: from mx.example.com (mx.example.com [192.0.2.1])\n"
    "\tby lists.example.org; Mon, 1 Jan 2024 00:00:00 +0000\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1;\n"
    "\th=from:subject; bh=abc=; b=def=\n"
    "From: Ann <ann@example.com>\n"
    "To: demo@lists.example.org\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n"
    "List-Id: Old <old.example.net>\n"
    "Reply-To: ann@example.com\n"
    "Date:   Mon, 1 Jan 2024 00:00:00 +0000\n"
    "Message-ID: <1@example.com>\n"
    "Precedence: bulk\n"
    "\n"
    "Hello list.\n");

Decoration Demo() {
  Decoration decoration;
  decoration.subject_tag = "[demo]";
  decoration.footer = "_____\nDemo list -- demo@lists.example.org\n";
  decoration.list = {"Demo list", "demo", "lists.example.org", ""};
  return decoration;
}

bool Contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST_CASE("Decorate applies tag, footer and List-* fields (RFC 2369 §3, RFC 2919 §2)",
          "[decorator]") {
  base::Result<DecorationReport> report = Decorate(kPost, Demo());
  REQUIRE(report.ok());
  const std::string& out = report->message;
  CheckRoundTrip(out);
  CHECK(report->subject_tagged);
  CHECK(report->footer == FooterPlacement::kAppendedToText);
  CHECK(DecodedSubject(out) == "[demo] Grüße");
  std::vector<std::string> lines = HeaderLines(out);
  REQUIRE(lines.size() >= 7);
  CHECK(lines[0] == "List-Id: Demo list <demo.lists.example.org>");
  CHECK(lines[1] == "List-Post: <mailto:demo@lists.example.org>");
  CHECK(lines[6] == "Precedence: list");
  CHECK_FALSE(Contains(lines, "List-Id: Old <old.example.net>"));
  CHECK_FALSE(Contains(lines, "Precedence: bulk"));
  CHECK(LeafParts(out)[0].bytes ==
        ToCrlf("Hello list.\n_____\nDemo list -- demo@lists.example.org\n"));
}

TEST_CASE(
    "Header fields we do not change keep their exact bytes and order (RFC 5322 §3.6, "
    "RFC 6376 §3.4)",
    "[decorator]") {
  base::Result<DecorationReport> report = Decorate(kPost, Demo());
  REQUIRE(report.ok());
  std::vector<std::string> kept;
  for (const std::string& line : HeaderLines(kPost)) {
    if (line.rfind("Subject:", 0) == 0 || line.rfind("List-Id:", 0) == 0 ||
        line.rfind("Precedence:", 0) == 0) {
      continue;
    }
    kept.push_back(line);
  }
  std::vector<std::string> after;
  for (const std::string& line : HeaderLines(report->message)) {
    if (std::find(kept.begin(), kept.end(), line) != kept.end()) after.push_back(line);
  }
  CHECK(after == kept);
}

TEST_CASE("A poster's List-* fields never survive, however spelled (RFC 8058 §4, RFC 5322 "
          "§4.5.8)",
          "[decorator]") {
  const std::string post = Crlf(
      "From: a@example.org\n"
      "Subject : hello\n"
      "List-Unsubscribe : <https://evil.example/u>\n"
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
      "Reply-To : evil@evil.example\n"
      "DKIM-Signature : v=1; d=example.org\n"
      "Content-Transfer-Encoding : base64\n"
      "\n"
      "SGVsbG8K\n");
  Decoration decoration = Demo();
  decoration.reply_to = Decoration::ReplyTo::kList;
  decoration.remove_author_dkim = true;
  auto report = Decorate(post, decoration);
  REQUIRE(report.ok());
  const std::string& out = report->message;
  CHECK(out.find("evil.example") == std::string::npos);
  CHECK(out.find("List-Unsubscribe-Post") == std::string::npos);
  CHECK(out.find("DKIM-Signature") == std::string::npos);
  CHECK(DecodedSubject(out) == "[demo] hello");
  CHECK(out.find("(no subject)") == std::string::npos);
  // The base64 body stays base64: the footer was encoded into it.
  auto parts = LeafParts(out);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].bytes.starts_with("Hello\r\n"));
  CHECK(parts[0].bytes.find("Demo list -- demo@lists.example.org") != std::string::npos);
}

TEST_CASE("A decorated post is not decorated twice", "[decorator]") {
  base::Result<DecorationReport> once = Decorate(kPost, Demo());
  REQUIRE(once.ok());
  Decoration no_footer = Demo();
  no_footer.footer = "";
  base::Result<DecorationReport> twice = Decorate(once->message, no_footer);
  REQUIRE(twice.ok());
  CHECK_FALSE(twice->subject_tagged);
  CHECK(twice->message == once->message);
}

TEST_CASE(
    "Author DKIM-Signature removed and Reply-To set to the list on request "
    "(RFC 6376 §3.5, RFC 5322 §3.6.2)",
    "[decorator]") {
  Decoration decoration = Demo();
  decoration.remove_author_dkim = true;
  decoration.reply_to = Decoration::ReplyTo::kList;
  base::Result<DecorationReport> report = Decorate(kPost, decoration);
  REQUIRE(report.ok());
  CheckRoundTrip(report->message);
  CHECK_FALSE(GetFieldValue(report->message, "DKIM-Signature").has_value());
  CHECK(GetFieldValue(report->message, "Reply-To") == " <demo@lists.example.org>");
  CHECK(report->message.find("Reply-To: ann@example.com") == std::string::npos);
}

TEST_CASE("A post without Subject gets \"[demo] (no subject)\" (RFC 5322 §3.6.5)", "[decorator]") {
  std::string post = Crlf("From: a@example.com\nTo: demo@lists.example.org\n\nbody\n");
  base::Result<DecorationReport> report = Decorate(post, Demo());
  REQUIRE(report.ok());
  CHECK(report->subject_tagged);
  CHECK(DecodedSubject(report->message) == "[demo] (no subject)");
}

TEST_CASE("multipart/signed posts get tag and List-* but no footer (RFC 1847 §2.1)",
          "[decorator]") {
  std::string body = Crlf(
      "--sig\nContent-Type: text/plain\n\nsigned\n--sig\n"
      "Content-Type: application/pgp-signature\n\nSIG\n--sig--\n");
  std::string post = Crlf(
                         "From: a@example.com\nSubject: hi\nMIME-Version: 1.0\n"
                         "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; "
                         "micalg=pgp-sha256;\n boundary=\"sig\"\n\n") +
                     body;
  base::Result<DecorationReport> report = Decorate(post, Demo());
  REQUIRE(report.ok());
  CheckRoundTrip(report->message);
  CHECK(report->footer == FooterPlacement::kNone);
  CHECK(report->message.substr(report->message.size() - body.size()) == body);
}

TEST_CASE("Every decorated fixture parses and decodes (round trip, RFC 2045/2046)", "[decorator]") {
  std::vector<std::string> posts = {
      kPost,
      Crlf("From: a@example.com\nSubject: =?iso-8859-1?Q?caf=E9?=\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
           "quoted-printable\n\nCaf=E9\n"),
      Crlf("From: a@example.com\nSubject: x\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\n"),
      Crlf("From: a@example.com\nSubject: x\nMIME-Version: 1.0\n"
           "Content-Type: multipart/alternative; boundary=b\n\n--b\n\none\n"
           "--b\nContent-Type: text/html\n\n<b>one</b>\n--b--\n"),
      Crlf("From: a@example.com\nSubject: x\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
           "w6k=\n"),
  };
  Decoration decoration = Demo();
  decoration.footer = "Liste démo -- demo@lists.example.org\n";
  for (const std::string& post : posts) {
    base::Result<DecorationReport> report = Decorate(post, decoration);
    REQUIRE(report.ok());
    CheckRoundTrip(report->message);
    CHECK(DecodedSubject(report->message).rfind("[demo] ", 0) == 0);
    bool footer_found = false;
    for (const testing::DecodedPart& part : LeafParts(report->message)) {
      footer_found = footer_found || part.utf8.find("Liste démo") != std::string::npos;
    }
    CHECK(footer_found);
  }
}

TEST_CASE(
    "A post without header/body separator is an Error, nothing is lost "
    "(RFC 5322 §2.1)",
    "[decorator]") {
  base::Result<DecorationReport> report = Decorate(Crlf("From: a@example.com\n"), Demo());
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().find("empty line") != std::string::npos);
}

}  // namespace
}  // namespace listd::mime
