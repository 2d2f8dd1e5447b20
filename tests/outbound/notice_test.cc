// Notices listd writes itself: the rejection notice's fields (RFC 5322
// section 3.6), Auto-Submitted (RFC 3834 section 5), CRLF line ends
// (RFC 5322 section 2.1), no field injection through a CR or LF in what
// the author or the post supplied, and MailDate (RFC 5322 section 3.3).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dkim/message.h"
#include "listd/outbound/notice.h"

namespace {

using listd::outbound::MailDate;
using listd::outbound::NoticeRequest;
using listd::outbound::RejectionNotice;

NoticeRequest Request() {
  NoticeRequest r;
  r.from = "demo-owner@lists.example.org";
  r.to = "jane@example.org";
  r.list = "demo@lists.example.org";
  r.subject = "Minutes of Tuesday";
  r.reason = "the list takes posts from its members only.";
  r.message_id = "notice-42@lists.example.org";
  r.now = 1800000000;
  return r;
}

// The field names of `text`, top to bottom, as written.
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

// Every LF is preceded by a CR and every CR followed by an LF.
bool OnlyCrlf(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
  }
  return true;
}

TEST_CASE("notice: RFC 5322 section 3.3, MailDate of fixed times", "[notice]") {
  CHECK(MailDate(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(MailDate(1800000000) == "Fri, 15 Jan 2027 08:00:00 +0000");
  CHECK(MailDate(951868799) == "Tue, 29 Feb 2000 23:59:59 +0000");  // a leap day
}

TEST_CASE(
    "notice: RFC 5322 section 3.6 and RFC 3834 section 5, the rejection notice's "
    "fields",
    "[notice]") {
  const std::string notice = RejectionNotice(Request());
  CHECK(OnlyCrlf(notice));
  CHECK(FieldNames(notice) ==
        std::vector<std::string>{"From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted",
                                 "MIME-Version", "Content-Type", "Content-Transfer-Encoding"});
  CHECK(Value(notice, "From") == "demo-owner@lists.example.org");
  CHECK(Value(notice, "To") == "jane@example.org");
  CHECK(Value(notice, "Subject") == "Your message to demo@lists.example.org was rejected");
  CHECK(Value(notice, "Date") == "Fri, 15 Jan 2027 08:00:00 +0000");
  CHECK(Value(notice, "Message-ID") == "<notice-42@lists.example.org>");
  // Section 5: so that vacation responders and the like do not answer it.
  CHECK(Value(notice, "Auto-Submitted") == "auto-replied");
  CHECK_THAT(Value(notice, "Content-Type"), Catch::StartsWith("text/plain"));

  auto message = dkim::Message::Parse(notice);
  REQUIRE(message.ok());
  const std::string body(message->body());
  CHECK_THAT(body, Catch::Contains("\"Minutes of Tuesday\""));
  CHECK_THAT(body, Catch::Contains("the list takes posts from its members only."));
  CHECK_THAT(body, Catch::Contains("demo-owner@lists.example.org"));
}

TEST_CASE(
    "notice: RFC 5322 section 2.2, a CR or LF in the subject or reason cannot start a "
    "field or end the header",
    "[notice]") {
  NoticeRequest r = Request();
  r.subject = "hello\r\nBcc: victim@example.com\r\n\r\nX-Injected: yes";
  r.reason = "no\nReply-To: evil@example.com";
  const std::string notice = RejectionNotice(r);
  CHECK(OnlyCrlf(notice));
  const auto names = FieldNames(notice);
  CHECK(names.size() == 9);
  for (const std::string& name : names) {
    CHECK(name != "Bcc");
    CHECK(name != "X-Injected");
    CHECK(name != "Reply-To");
  }
  // The subject stays one line of the body.
  auto message = dkim::Message::Parse(notice);
  REQUIRE(message.ok());
  CHECK_THAT(std::string(message->body()),
             Catch::Contains("\"hello  Bcc: victim@example.com    X-Injected: yes\""));
}

TEST_CASE(
    "notice: RFC 5322 section 2.2, a CR or LF in an address or the Message-ID cannot "
    "add a field",
    "[notice]") {
  NoticeRequest r = Request();
  r.to = "jane@example.org\r\nBcc: victim@example.com";
  r.from = "demo-owner@lists.example.org\nX-Injected: 1";
  r.list = "demo@lists.example.org\r\nX-Also: 2";
  r.message_id = "id@x>\r\nX-Id: 3\r\n<";
  const std::string notice = RejectionNotice(r);
  CHECK(OnlyCrlf(notice));
  CHECK(FieldNames(notice).size() == 9);
  CHECK_THAT(Value(notice, "To"), Catch::Contains("Bcc: victim@example.com"));
}

}  // namespace
