// The mail writer: header fields (RFC 5322 section 3.6), folding (section
// 2.2.3), 998-octet lines (section 2.1.1), RFC 2047 encoded-words read back
// by GMime's decoder, quoted-printable bodies (RFC 2045 section 6.7),
// message/rfc822 parts kept byte-exact (RFC 2046 section 5.2.1), and the
// refusal of any header value holding a control byte.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dkim/message.h"
#include "listd/mime/gmime_support.h"
#include "listd/outbound/mail_writer.h"

namespace {

using listd::mime::GPtr;
using listd::mime::GString;
using listd::outbound::MailHeaders;
using listd::outbound::OneLineText;
using listd::outbound::WriteMailWithMessage;
using listd::outbound::WriteTextMail;

MailHeaders Headers() {
  MailHeaders h;
  h.from = "demo-request@lists.example.org";
  h.from_name = "Demo list";
  h.to = "jane@example.org";
  h.subject = "Please confirm your subscription to Demo list";
  h.message_id = "confirm-1@lists.example.org";
  h.reply_to = "demo-confirm+abc123@lists.example.org";
  h.list_id = "demo.lists.example.org";
  h.list_unsubscribe = "<mailto:demo-leave@lists.example.org>";
  h.now = 1800000000;
  return h;
}

std::vector<std::string> FieldNames(const std::string& text) {
  auto message = dkim::Message::Parse(text);
  REQUIRE(message.ok());
  std::vector<std::string> names;
  for (const auto& field : message->headers()) names.emplace_back(field.name);
  return names;
}

std::string Value(const std::string& text, std::string_view name) {
  auto message = dkim::Message::Parse(text);
  REQUIRE(message.ok());
  const auto fields = message->FieldsNamed(name);
  REQUIRE(fields.size() == 1);
  std::string value(fields[0]->value());
  if (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

// RFC 5322 section 2.1: CR and LF only together; section 2.1.1: <= 998.
bool WellFormedLines(const std::string& text) {
  size_t line = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
    if (text[i] == '\n') {
      line = 0;
    } else if (text[i] != '\r' && ++line > 998) {
      return false;
    }
  }
  return true;
}

std::string WithoutCr(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

// The decoded text of a text/plain GMime part.
std::string PartText(GMimeObject* object) {
  REQUIRE(GMIME_IS_TEXT_PART(object));
  GString text(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
  REQUIRE(text);
  return text.get();
}

// The decoded content of a leaf GMime part.
std::string PartBytes(GMimeObject* object) {
  REQUIRE(GMIME_IS_PART(object));
  GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(object));
  REQUIRE(wrapper != nullptr);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

TEST_CASE("mail_writer: RFC 5322 section 3.6 and RFC 3834 section 5, the fields of a text mail",
          "[mail_writer]") {
  MailHeaders h = Headers();
  h.in_reply_to = "post-7@example.org";
  h.auto_submitted = "auto-replied";
  auto mail = WriteTextMail(h, "Hello,\nplease confirm.\n");
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  CHECK(FieldNames(*mail) == std::vector<std::string>{"From", "To", "Subject", "Date", "Message-ID",
                                                      "In-Reply-To", "References", "Reply-To",
                                                      "List-Id", "List-Unsubscribe",
                                                      "Auto-Submitted", "MIME-Version",
                                                      "Content-Type", "Content-Transfer-Encoding"});
  CHECK(Value(*mail, "From") == "Demo list <demo-request@lists.example.org>");
  CHECK(Value(*mail, "To") == "jane@example.org");
  CHECK(Value(*mail, "Date") == "Fri, 15 Jan 2027 08:00:00 +0000");
  CHECK(Value(*mail, "Message-ID") == "<confirm-1@lists.example.org>");
  CHECK(Value(*mail, "In-Reply-To") == "<post-7@example.org>");
  CHECK(Value(*mail, "References") == "<post-7@example.org>");
  CHECK(Value(*mail, "Reply-To") == "demo-confirm+abc123@lists.example.org");
  CHECK(Value(*mail, "List-Id") == "<demo.lists.example.org>");
  CHECK(Value(*mail, "List-Unsubscribe") == "<mailto:demo-leave@lists.example.org>");
  CHECK(Value(*mail, "Auto-Submitted") == "auto-replied");
  CHECK(Value(*mail, "Content-Type") == "text/plain; charset=utf-8");
  CHECK(Value(*mail, "Content-Transfer-Encoding") == "7bit");
  auto message = dkim::Message::Parse(*mail);
  REQUIRE(message.ok());
  CHECK(std::string(message->body()) == "Hello,\r\nplease confirm.\r\n");
}

TEST_CASE("mail_writer: the optional fields are left out when empty", "[mail_writer]") {
  MailHeaders h = Headers();
  h.from_name.clear();
  h.reply_to.clear();
  h.list_id.clear();
  h.list_unsubscribe.clear();
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  CHECK(FieldNames(*mail) == std::vector<std::string>{"From", "To", "Subject", "Date", "Message-ID",
                                                      "Auto-Submitted", "MIME-Version",
                                                      "Content-Type", "Content-Transfer-Encoding"});
  CHECK(Value(*mail, "From") == "demo-request@lists.example.org");
  CHECK(Value(*mail, "Auto-Submitted") == "auto-generated");
}

TEST_CASE(
    "mail_writer: RFC 2047, a non-ASCII subject and display name round-trip through GMime's "
    "decoder",
    "[mail_writer]") {
  MailHeaders h = Headers();
  h.from_name = "Démo list – Zürich";
  h.subject =
      "Bestätigen Sie Ihr Abonnement für Démo list, s'il vous plaît: 日本語のテキスト "
      "and some more words to make it long enough to fold";
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  // Only ASCII goes on the wire in the header.
  const std::string header = mail->substr(0, mail->find("\r\n\r\n"));
  for (char c : header) CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK_THAT(Value(*mail, "Subject"), Catch::Contains("=?UTF-8?Q?"));
  // RFC 5322 section 2.2.3: folded, and no line longer than 78 + an encoded word.
  CHECK_THAT(Value(*mail, "Subject"), Catch::Contains("\r\n "));

  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  CHECK(std::string(g_mime_message_get_subject(message.get())) == h.subject);
  InternetAddressList* from = g_mime_message_get_from(message.get());
  REQUIRE(internet_address_list_length(from) == 1);
  InternetAddress* address = internet_address_list_get_address(from, 0);
  CHECK(std::string(internet_address_get_name(address)) == h.from_name);
  CHECK(std::string(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address))) ==
        "demo-request@lists.example.org");
}

TEST_CASE(
    "mail_writer: RFC 5322 section 3.4, a display name with specials is quoted and "
    "round-trips",
    "[mail_writer]") {
  MailHeaders h = Headers();
  h.from_name = "Demo \"list\", Inc. \\ friends";
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  CHECK(Value(*mail, "From") ==
        "\"Demo \\\"list\\\", Inc. \\\\ friends\" <demo-request@lists.example.org>");
  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  InternetAddress* address =
      internet_address_list_get_address(g_mime_message_get_from(message.get()), 0);
  CHECK(std::string(internet_address_get_name(address)) == h.from_name);
}

TEST_CASE(
    "mail_writer: RFC 2047 section 5, ASCII text that looks like an encoded-word stays "
    "literal",
    "[mail_writer]") {
  MailHeaders h = Headers();
  h.subject = "Re: =?UTF-8?Q?caf=C3=A9?= is not a word here";
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  CHECK(std::string(g_mime_message_get_subject(message.get())) == h.subject);
}

TEST_CASE("mail_writer: RFC 5322 section 2.2.3, a long ASCII subject is folded at spaces",
          "[mail_writer]") {
  MailHeaders h = Headers();
  h.subject.clear();
  for (int i = 0; i < 40; ++i) h.subject += "word" + std::to_string(i) + " ";
  h.subject.pop_back();
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  const std::string header = mail->substr(0, mail->find("\r\n\r\n") + 2);
  size_t start = 0;
  while (start < header.size()) {
    const size_t end = header.find("\r\n", start);
    CHECK(end - start <= 78);
    start = end + 2;
  }
  std::string unfolded = Value(*mail, "Subject");
  for (size_t at; (at = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(at, 2);
  CHECK(unfolded == h.subject);
}

TEST_CASE(
    "mail_writer: RFC 2045 section 6.7, a non-ASCII or long-lined body goes quoted-printable "
    "and decodes to the input",
    "[mail_writer]") {
  const std::string body = "Grüße aus Zürich,\n" + std::string(2000, 'a') +
                           "\nA line with a trailing space \nand a tab\tinside.\n";
  auto mail = WriteTextMail(Headers(), body);
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  CHECK(Value(*mail, "Content-Transfer-Encoding") == "quoted-printable");
  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  CHECK(WithoutCr(PartText(g_mime_message_get_mime_part(message.get()))) == body);
}

TEST_CASE("mail_writer: a body with a NUL or a lone CR is never sent as 7bit", "[mail_writer]") {
  const std::string body = std::string("a\0b\rc\n", 6);
  auto mail = WriteTextMail(Headers(), body);
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  CHECK(Value(*mail, "Content-Transfer-Encoding") == "quoted-printable");
  CHECK(mail->find('\0') == std::string::npos);
}

// The regression for the rule: a header field never takes CR, LF or control
// bytes from a setting or a name. Without the refusal at the writer, a list
// display name "Demo\r\nBcc: x" would add a Bcc field to every mail.
TEST_CASE(
    "mail_writer: a header field never takes CR, LF or control bytes from a setting or a "
    "name",
    "[mail_writer]") {
  struct Case {
    const char* field;
    std::string MailHeaders::*member;
  };
  const Case cases[] = {
      {"from_name", &MailHeaders::from_name},
      {"subject", &MailHeaders::subject},
      {"list_id", &MailHeaders::list_id},
      {"from", &MailHeaders::from},
      {"to", &MailHeaders::to},
      {"reply_to", &MailHeaders::reply_to},
      {"message_id", &MailHeaders::message_id},
      {"in_reply_to", &MailHeaders::in_reply_to},
      {"list_unsubscribe", &MailHeaders::list_unsubscribe},
      {"auto_submitted", &MailHeaders::auto_submitted},
  };
  const std::string bad_values[] = {"x\r\nBcc: victim@example.com",
                                    "x\nBcc: v@example.com",
                                    "x\rBcc: v@example.com",
                                    std::string("x\0y", 3),
                                    "x\ty",
                                    "x\x7fy",
                                    "x\x1b[1my"};
  for (const Case& c : cases) {
    for (const std::string& bad : bad_values) {
      MailHeaders h = Headers();
      h.*c.member = (h.*c.member).empty() ? bad : h.*c.member + bad;
      INFO(c.field);
      auto text = WriteTextMail(h, "x\n");
      REQUIRE_FALSE(text.ok());
      CHECK(text.kind() == base::ErrorKind::kInvalid);
      CHECK_THAT(text.error(), Catch::Contains(c.field));
      auto multipart = WriteMailWithMessage(h, "x\n", "Subject: a\r\n\r\nb\r\n");
      REQUIRE_FALSE(multipart.ok());
      CHECK_THAT(multipart.error(), Catch::Contains(c.field));
    }
  }
}

TEST_CASE("mail_writer: RFC 5322 section 3.4.1, address fields are plain addr-specs",
          "[mail_writer]") {
  const std::string bad[] = {"Jane <jane@example.org>",
                             "jane",
                             "jane@",
                             "@example.org",
                             "jane@example.org, joe@example.org",
                             "jane@exa mple.org",
                             "\"jane\"@example.org",
                             "jane@example.org (comment)"};
  for (const std::string& address : bad) {
    INFO(address);
    MailHeaders h = Headers();
    h.to = address;
    auto mail = WriteTextMail(h, "x\n");
    REQUIRE_FALSE(mail.ok());
    CHECK(mail.kind() == base::ErrorKind::kInvalid);
    CHECK_THAT(mail.error(), Catch::Contains("to"));
  }
  MailHeaders h = Headers();
  h.message_id = "<id@example.org>";
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE_FALSE(mail.ok());
  CHECK_THAT(mail.error(), Catch::Contains("message_id"));
  h = Headers();
  h.subject = "not \xff UTF-8";
  mail = WriteTextMail(h, "x\n");
  REQUIRE_FALSE(mail.ok());
  CHECK_THAT(mail.error(), Catch::Contains("subject"));
}

// The message part of `mail` as written: from after its header to the
// closing boundary's CRLF.
std::string RawSecondPart(const std::string& mail) {
  const std::string type = Value(mail, "Content-Type");
  const size_t quote = type.find('"');
  REQUIRE(quote != std::string::npos);
  const std::string boundary = type.substr(quote + 1, type.size() - quote - 2);
  const size_t first = mail.find("\r\n--" + boundary + "\r\n");
  REQUIRE(first != std::string::npos);
  const size_t second = mail.find("\r\n--" + boundary + "\r\n", first + 1);
  REQUIRE(second != std::string::npos);
  const size_t content = mail.find("\r\n\r\n", second + 2) + 4;
  const size_t close = mail.find("\r\n--" + boundary + "--\r\n", content);
  REQUIRE(close != std::string::npos);
  CHECK(mail.substr(close) == "\r\n--" + boundary + "--\r\n");  // nothing after it
  return mail.substr(content, close - content);
}

TEST_CASE(
    "mail_writer: RFC 2046 section 5.2.1, the attached message is kept byte-exact, 8bit when "
    "it holds 8-bit bytes",
    "[mail_writer]") {
  const std::string attached =
      "From: Jörg <joerg@example.org>\r\nSubject: =?UTF-8?Q?H=C3=A9llo?=\r\n"
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.org;\r\n\tb=abc\r\n\r\n"
      "Grüße\r\n--=_listd_0000000000000000\r\n  trailing  \r\n";
  auto mail = WriteMailWithMessage(Headers(), "A post is held.\n", attached);
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  CHECK_THAT(Value(*mail, "Content-Type"), Catch::StartsWith("multipart/mixed; boundary=\""));
  // The boundary does not occur in the content (RFC 2046 section 5.1.1).
  CHECK_THAT(Value(*mail, "Content-Type"), !Catch::Contains("0000000000000000"));
  CHECK(RawSecondPart(*mail) == attached);
  CHECK_THAT(*mail, Catch::Contains("Content-Type: message/rfc822\r\n"));
  CHECK_THAT(*mail, Catch::Contains("Content-Transfer-Encoding: 8bit\r\n\r\nFrom: J"));

  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  GMimeObject* root = g_mime_message_get_mime_part(message.get());
  REQUIRE(GMIME_IS_MULTIPART(root));
  REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(root)) == 2);
  CHECK(WithoutCr(PartText(g_mime_multipart_get_part(GMIME_MULTIPART(root), 0))) ==
        "A post is held.\n");
  GMimeObject* part = g_mime_multipart_get_part(GMIME_MULTIPART(root), 1);
  REQUIRE(GMIME_IS_MESSAGE_PART(part));
  GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
  REQUIRE(inner != nullptr);
  CHECK(std::string(g_mime_message_get_subject(inner)) == "Héllo");
}

TEST_CASE("mail_writer: an ASCII attached message goes 7bit", "[mail_writer]") {
  const std::string attached = "Subject: a\r\n\r\nb\r\n";
  auto mail = WriteMailWithMessage(Headers(), "x\n", attached);
  REQUIRE(mail.ok());
  CHECK(RawSecondPart(*mail) == attached);
  CHECK_THAT(*mail, Catch::Contains("Content-Transfer-Encoding: 7bit\r\n\r\nSubject: a"));
}

TEST_CASE(
    "mail_writer: RFC 5322 section 2.1.1, an attached message with a line over 998 octets "
    "goes base64 and decodes to its bytes",
    "[mail_writer]") {
  const std::string attached =
      "Subject: long\r\n\r\n" + std::string(5000, 'x') + "\r\nbare\nLF\r\n";
  auto mail = WriteMailWithMessage(Headers(), "x\n", attached);
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  auto message = listd::mime::ParseMessage(*mail);
  REQUIRE(message);
  GMimeObject* root = g_mime_message_get_mime_part(message.get());
  REQUIRE(GMIME_IS_MULTIPART(root));
  CHECK(PartBytes(g_mime_multipart_get_part(GMIME_MULTIPART(root), 1)) == attached);
}

TEST_CASE(
    "mail_writer: RFC 5322 section 2.2.3, an empty subject has no trailing space and a long "
    "List-Unsubscribe is folded",
    "[mail_writer]") {
  MailHeaders h = Headers();
  h.subject.clear();
  h.list_unsubscribe = "<https://lists.example.org/unsubscribe/" + std::string(60, 'a') +
                       ">, <mailto:demo-leave@lists.example.org>";
  auto mail = WriteTextMail(h, "x\n");
  REQUIRE(mail.ok());
  CHECK(WellFormedLines(*mail));
  CHECK_THAT(*mail, Catch::Contains("\r\nSubject:\r\n"));
  CHECK_THAT(*mail, Catch::Contains(">,\r\n <mailto:demo-leave@lists.example.org>\r\n"));
}

TEST_CASE("mail_writer: OneLineText makes untrusted text one safe line", "[mail_writer]") {
  CHECK(OneLineText("hello\r\nBcc: x@example.org") == "hello Bcc: x@example.org");
  CHECK(OneLineText("  a \t\t b\x01\x7f c  ") == "a b c");
  CHECK(OneLineText("a\xc2\x85z") == "a z");             // U+0085, a C1 control
  CHECK(OneLineText("caf\xe9!") == "caf\xef\xbf\xbd!");  // Latin-1, not UTF-8
  CHECK(OneLineText("ééééé", 8) == "éé...");             // 2 bytes each, cut between
  CHECK(OneLineText("abcdef", 6) == "abcdef");
  CHECK(OneLineText("abcdefg", 6) == "abc...");
  const std::string long_text(1000, 'y');
  CHECK(OneLineText(long_text).size() == 200);
  // What OneLineText gives, the writer takes.
  MailHeaders h = Headers();
  h.subject = OneLineText("Re: \xff\r\n\tx");
  CHECK(WriteTextMail(h, "x\n").ok());
}

TEST_CASE("mail_writer: RFC 5322 section 3.3, MailDate of fixed times", "[mail_writer]") {
  CHECK(listd::outbound::MailDate(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(listd::outbound::MailDate(1800000000) == "Fri, 15 Jan 2027 08:00:00 +0000");
  CHECK(listd::outbound::MailDate(951868799) == "Tue, 29 Feb 2000 23:59:59 +0000");  // a leap day
}

}  // namespace
