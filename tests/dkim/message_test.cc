// Message model: RFC 5322 section 2.2 (fields and folding), 2.1 (header and
// body), and listd's intake rule that bare LF becomes CRLF once.
#include <catch2/catch.hpp>

#include "dkim/message.h"

using dkim::Message;

TEST_CASE("RFC 5322 2.2: fields keep their raw bytes, folding included", "[message]") {
  auto m = Message::Parse("From: a@example.org\r\nSubject: one\r\n\ttwo  \r\nX-Empty:\r\n\r\nBody\r\n");
  REQUIRE(m.ok());
  REQUIRE(m->headers().size() == 3);
  CHECK(m->headers()[0].name == "From");
  CHECK(m->headers()[1].raw == "Subject: one\r\n\ttwo  \r\n");
  CHECK(m->headers()[1].value() == " one\r\n\ttwo  ");
  CHECK(m->headers()[2].value().empty());
  CHECK(m->body() == "Body\r\n");
}

TEST_CASE("RFC 5322 2.1: the first empty line ends the header", "[message]") {
  auto m = Message::Parse("A: 1\r\n\r\n\r\nB: 2\r\n");
  REQUIRE(m.ok());
  CHECK(m->headers().size() == 1);
  CHECK(m->body() == "\r\nB: 2\r\n");
}

TEST_CASE("a message with no empty line has an empty body", "[message]") {
  auto m = Message::Parse("A: 1\r\nB: 2\r\n");
  REQUIRE(m.ok());
  CHECK(m->headers().size() == 2);
  CHECK(m->body().empty());
}

TEST_CASE("bare LF is normalised to CRLF once, at intake", "[message]") {
  auto m = Message::Parse("From: a@b\nSubject: x\n\tfold\n\nline1\nline2\r\n");
  REQUIRE(m.ok());
  CHECK(m->had_bare_lf());
  CHECK(m->bytes() == "From: a@b\r\nSubject: x\r\n\tfold\r\n\r\nline1\r\nline2\r\n");
  CHECK(m->headers()[1].raw == "Subject: x\r\n\tfold\r\n");
  auto crlf = Message::Parse("From: a@b\r\n\r\nx\r\n");
  REQUIRE(crlf.ok());
  CHECK_FALSE(crlf->had_bare_lf());
}

TEST_CASE("a header line that is not a field is an error with its line number", "[message]") {
  auto m = Message::Parse("From: a@b\r\nnot a field\r\n\r\n");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().find("line 2") != std::string::npos);
  auto cont = Message::Parse(" leading continuation\r\n\r\n");
  REQUIRE_FALSE(cont.ok());
}

TEST_CASE("FieldsNamed is case-insensitive and ordered top to bottom", "[message]") {
  auto m = Message::Parse("Received: 1\r\nreceived: 2\r\nRECEIVED: 3\r\nFrom: x\r\n\r\n");
  REQUIRE(m.ok());
  auto fields = m->FieldsNamed("Received");
  REQUIRE(fields.size() == 3);
  CHECK(fields[0]->value() == " 1");
  CHECK(fields[2]->value() == " 3");
}

TEST_CASE("views stay valid after the Message is moved", "[message]") {
  // A short message would live in std::string's small buffer; the Message
  // keeps its bytes on the heap so views survive moves.
  auto m = Message::Parse("A: b\r\n\r\nc");
  REQUIRE(m.ok());
  Message moved = std::move(*m);
  Message again = std::move(moved);
  CHECK(again.headers()[0].raw == "A: b\r\n");
  CHECK(again.body() == "c");
}

TEST_CASE("field names may be followed by whitespace before the colon (RFC 5322 4.5)", "[message]") {
  auto m = Message::Parse("Subject  : hi\r\n\r\n");
  REQUIRE(m.ok());
  CHECK(m->headers()[0].name == "Subject");
  CHECK(m->headers()[0].value() == " hi");
}

TEST_CASE("a bare LF is found wherever it lies in a long message", "[message]") {
  // The intake scan works 64 bytes at a time; put the bare LF at every
  // offset around the step boundaries and just after a CR.
  std::string lines;
  for (int i = 0; i < 20; ++i) lines += "line of text number " + std::to_string(i) + "\r\n";
  for (size_t at = 1; at < lines.size(); ++at) {
    if (lines[at] != '\n') continue;
    std::string bytes = "From: a@b\r\n\r\n" + lines;
    bytes.erase(13 + at - 1, 1);  // drop the CR before this LF
    auto m = Message::Parse(bytes);
    REQUIRE(m.ok());
    INFO("bare LF at body offset " << at);
    CHECK(m->had_bare_lf());
    CHECK(m->body() == lines);
  }
}
