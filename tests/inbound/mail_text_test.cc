// Mail text: the text a person wrote, found in a mail to a command address
// (listd/inbound/mail_text.h), whatever MIME shape it arrives in.
#include <catch2/catch.hpp>
#include <string>

#include "listd/inbound/mail_text.h"
#include "listd/inbound/text_lines.h"

namespace {

using listd::inbound::FirstTextOf;
using listd::inbound::HtmlToText;
using listd::inbound::kMaxTextBytes;
using listd::inbound::SubjectOf;

// A message from header lines and a body, CRLF throughout.
std::string Mail(const std::string& header, const std::string& body) {
  std::string out;
  const std::string lines = header.back() == '\n' ? header : header + "\n";
  for (char c : lines + "\n" + body) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kBase =
    "From: Alice <alice@example.org>\nTo: demo-request@lists.example.org\nSubject: hi\n";

std::string TextOf(const std::string& message) {
  auto text = FirstTextOf(message);
  REQUIRE(text.ok());
  return *text;
}

TEST_CASE("mail text: a mail without MIME is text/plain, lines end in LF (RFC 2045 section 5.2)",
          "[mail_text]") {
  CHECK(TextOf(Mail(kBase, "subscribe\nhelp\n")) == "subscribe\nhelp\n");
}

TEST_CASE("mail text: base64 text/plain is decoded (RFC 2045 section 6.8)", "[mail_text]") {
  // "subscribe\r\nhelp\r\n" in base64.
  const std::string mail = Mail(kBase +
                                    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                                    "Content-Transfer-Encoding: base64\n",
                                "c3Vic2NyaWJlDQpoZWxwDQo=\n");
  CHECK(TextOf(mail) == "subscribe\nhelp\n");
}

TEST_CASE(
    "mail text: quoted-printable latin-1 becomes UTF-8 (RFC 2045 section 6.7, RFC 2046 "
    "section 4.1.2)",
    "[mail_text]") {
  const std::string mail =
      Mail(kBase +
               "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
               "Content-Transfer-Encoding: quoted-printable\n",
           "Gr=FC=DFe, help=\n please\n");
  CHECK(TextOf(mail) ==
        "Gr\xC3\xBC\xC3\x9F"
        "e, help please\n");
}

TEST_CASE("mail text: bytes that do not fit the charset become U+FFFD, never invalid UTF-8",
          "[mail_text]") {
  const std::string mail =
      Mail(kBase + "Content-Type: text/plain; charset=utf-8\n", "help \xFF\xC3\n");
  CHECK(TextOf(mail) == "help \xEF\xBF\xBD\xEF\xBF\xBD\n");
  const std::string unknown =
      Mail(kBase + "Content-Type: text/plain; charset=x-no-such-charset\n", "help\n");
  CHECK(TextOf(unknown) == "help\n");
}

TEST_CASE(
    "mail text: multipart/alternative gives its text/plain, not its HTML (RFC 2046 section "
    "5.1.4)",
    "[mail_text]") {
  const std::string mail = Mail(kBase +
                                    "MIME-Version: 1.0\n"
                                    "Content-Type: multipart/alternative; boundary=\"b1\"\n",
                                "--b1\nContent-Type: text/plain\n\nplain words\n"
                                "--b1\nContent-Type: text/html\n\n<p>html words</p>\n--b1--\n");
  CHECK(TextOf(mail) == "plain words");
}

TEST_CASE(
    "mail text: an HTML-only mail is read as text: tags, style and script gone, breaks "
    "kept, references decoded",
    "[mail_text]") {
  const std::string mail = Mail(
      kBase + "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n",
      "<html><head><title>subscribe</title><style>p { color: red } /* leave */</style></head>\n"
      "<body><script>var leave = 1;</script><div>join\n   address=bob@example.org</div>"
      "<p>help</p>confirm&nbsp;abc<br>a &amp; b &lt;c&gt; &quot;d&quot; &#233;&#x41;"
      "<!-- leave --></body></html>");
  CHECK(TextOf(mail) ==
        "join address=bob@example.org\nhelp\nconfirm abc\na & b <c> \"d\" \xC3\xA9"
        "A\n");
}

TEST_CASE("mail text: HTML blockquote lines read as quoted", "[mail_text]") {
  CHECK(HtmlToText("<div>approve</div><blockquote>held post<br>from bob</blockquote>after", 1000) ==
        "approve\n> held post\n> from bob\nafter");
}

TEST_CASE("mail text: an attachment is skipped, the inline text is read (RFC 2183 section 2.2)",
          "[mail_text]") {
  const std::string mail =
      Mail(kBase + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b2\"\n",
           "--b2\nContent-Type: text/plain\nContent-Disposition: attachment; filename=x.txt\n\n"
           "leave\n--b2\nContent-Type: text/plain\nContent-Disposition: inline\n\nhelp\n--b2--\n");
  CHECK(TextOf(mail) == "help");
}

TEST_CASE("mail text: a forwarded message/rfc822 is someone else's text and not read",
          "[mail_text]") {
  const std::string mail =
      Mail(kBase + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b3\"\n",
           "--b3\nContent-Type: message/rfc822\n\nFrom: bob@example.org\nSubject: x\n\nleave\n"
           "--b3\nContent-Type: text/html\n\n<p>help</p>\n--b3--\n");
  CHECK(TextOf(mail) == "help\n");
}

TEST_CASE("mail text: a mail with no text part has no text", "[mail_text]") {
  const std::string mail = Mail(
      kBase + "MIME-Version: 1.0\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n",
      "iVBORw0KGgo=\n");
  CHECK(TextOf(mail).empty());
}

TEST_CASE("mail text: bytes that are no message at all are an error, not empty text",
          "[mail_text]") {
  CHECK_FALSE(FirstTextOf("").ok());
  CHECK_FALSE(FirstTextOf("garbage").ok());
  CHECK_FALSE(FirstTextOf(std::string("\0\1\2", 3)).ok());
}

TEST_CASE("mail text: at most 64 KiB of a 1 MB body, cut between characters", "[mail_text]") {
  std::string body;
  while (body.size() < 1024 * 1024) body += "\xC3\xA9t\xC3\xA9 help line\n";
  const std::string mail = Mail(kBase + "Content-Type: text/plain; charset=utf-8\n", body);
  const std::string text = TextOf(mail);
  CHECK(text.size() <= kMaxTextBytes);
  CHECK(text.size() > kMaxTextBytes - 4);
  CHECK(text.rfind("\xC3\xA9t\xC3\xA9 help line\n", 0) == 0);
  CHECK(listd::inbound::ValidUtf8(text) == text);
}

TEST_CASE("mail text: an HTML body is cut at 64 KiB of text too", "[mail_text]") {
  std::string html = "<style>" + std::string(200000, 'x') + "</style>";
  while (html.size() < 1024 * 1024) html += "<p>help me</p>";
  const std::string text = HtmlToText(html, kMaxTextBytes);
  CHECK(text.size() <= kMaxTextBytes);
  CHECK(text.rfind("help me\nhelp me\n", 0) == 0);
}

TEST_CASE(
    "mail text: the Subject is RFC 2047 decoded and unfolded (RFC 2047 section 4, RFC 5322 "
    "section 2.2.3)",
    "[mail_text]") {
  CHECK(SubjectOf(Mail("Subject: =?utf-8?q?subscribe?=\nFrom: a@example.org", "x")) == "subscribe");
  CHECK(SubjectOf(Mail("From: a@example.org\nSUBJECT: =?UTF-8?B?Y29uZmlybQ==?=\n abc", "x")) ==
        "confirm abc");
  CHECK(SubjectOf(Mail("From: a@example.org", "Subject: in the body")).empty());
}

TEST_CASE(
    "mail text: a folded line that reads 'subject :' inside another field is no Subject (RFC "
    "5322 section 2.2.3)",
    "[mail_text]") {
  // A DKIM-Signature's h= list folded before "subject" (dkimpy writes it
  // so): the continuation line is part of the signature, not a field, and
  // the real Subject below it is the one read.
  const std::string signed_mail = Mail(
      "DKIM-Signature: v=1; a=rsa-sha256; d=author.example; s=a; h=from : to :\n"
      " subject : date : message-id;\n bh=abc; b=def\n"
      "From: a@author.example\nSubject: enable",
      "");
  CHECK(SubjectOf(signed_mail) == "enable");
  CHECK(SubjectOf(Mail("X-Note: a\n\tSubject: hidden\nFrom: a@example.org", "x")).empty());
}

}  // namespace
