// header_edit: raw splicing keeps every byte it was not asked to change.
#include "listd/mime/header_edit.h"

#include <catch2/catch.hpp>

#include "mime_test_support.h"

namespace listd::mime {
namespace {

using testing::Crlf;

const std::string kMessage = Crlf(
    "Received: from a\n"
    "\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n"
    "From: Ann <ann@example.com>\n"
    "subject:  Hello\n"
    "  world\n"
    "DKIM-Signature: v=1; a=rsa-sha256;\n"
    "\tb=abc\n"
    "Subject: second\n"
    "\n"
    "Body: not a header\n");

TEST_CASE("FindHeaderEnd finds the empty line (RFC 5322 §2.1)", "[header_edit]") {
  base::Result<size_t> end = FindHeaderEnd(kMessage);
  REQUIRE(end.ok());
  CHECK(kMessage.substr(*end, 4) == "\r\nBo");
  CHECK(*FindHeaderEnd(Crlf("\nbody\n")) == 0);
  base::Result<size_t> none = FindHeaderEnd(Crlf("From: a\nSubject: b\n"));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().find("empty line") != std::string::npos);
}

TEST_CASE("ParseFields keeps folded fields whole (RFC 5322 §2.2.3)", "[header_edit]") {
  base::Result<std::vector<RawField>> fields = ParseFields(kMessage);
  REQUIRE(fields.ok());
  REQUIRE(fields->size() == 5);
  CHECK((*fields)[0].name == "Received");
  CHECK((*fields)[0].raw_value == Crlf(" from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000"));
  CHECK((*fields)[2].raw_value == Crlf("  Hello\n  world"));
  CHECK(*GetFieldValue(kMessage, "SUBJECT") == Crlf("  Hello\n  world"));
  CHECK_FALSE(GetFieldValue(kMessage, "Body").has_value());
}

TEST_CASE("RemoveFields removes every occurrence, case-insensitively (RFC 5322 §1.2.2)",
          "[header_edit]") {
  base::Result<std::string> out = RemoveFields(kMessage, {"dkim-signature", "Subject"});
  REQUIRE(out.ok());
  CHECK(*out == Crlf("Received: from a\n"
                     "\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n"
                     "From: Ann <ann@example.com>\n"
                     "\n"
                     "Body: not a header\n"));
}

TEST_CASE("PrependFields and AppendFields insert at the edges only (RFC 5322 §3.6)",
          "[header_edit]") {
  base::Result<std::string> top = PrependFields(kMessage, {{"X-A", "1"}, {"X-B", "2"}});
  REQUIRE(top.ok());
  CHECK(*top == Crlf("X-A: 1\nX-B: 2\n") + kMessage);
  base::Result<std::string> bottom = AppendFields(kMessage, {{"X-C", "3"}});
  REQUIRE(bottom.ok());
  size_t end = *FindHeaderEnd(kMessage);
  CHECK(*bottom == kMessage.substr(0, end) + "X-C: 3\r\n" + kMessage.substr(end));
}

TEST_CASE("ReplaceFieldValue changes the first occurrence only (RFC 5322 §3.6.5)",
          "[header_edit]") {
  base::Result<std::string> out = ReplaceFieldValue(kMessage, "Subject", " [demo] Hello");
  REQUIRE(out.ok());
  CHECK(*out == Crlf("Received: from a\n"
                     "\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n"
                     "From: Ann <ann@example.com>\n"
                     "subject: [demo] Hello\n"
                     "DKIM-Signature: v=1; a=rsa-sha256;\n"
                     "\tb=abc\n"
                     "Subject: second\n"
                     "\n"
                     "Body: not a header\n"));
  CHECK_FALSE(ReplaceFieldValue(kMessage, "Reply-To", " x").ok());
}

}  // namespace
}  // namespace listd::mime
