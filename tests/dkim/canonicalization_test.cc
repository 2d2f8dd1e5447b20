// Canonicalization, RFC 6376 section 3.4.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "dkim/canonicalization.h"

using dkim::Canon;

namespace {

std::string Header(Canon c, std::string_view raw) {
  std::string out;
  dkim::AppendCanonicalHeader(c, raw, out);
  return out;
}

// A deliberately naive, line-by-line reading of section 3.4.4, to check the
// fast path against on random bodies.
std::string NaiveRelaxedBody(const std::string& body) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) {
      lines.push_back(body.substr(pos));
      break;
    }
    lines.push_back(body.substr(pos, eol - pos));
    pos = eol + 2;
  }
  for (std::string& line : lines) {
    std::string squeezed;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == ' ' || line[i] == '\t') {
        while (i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t')) ++i;
        squeezed += ' ';
      } else {
        squeezed += line[i];
      }
    }
    while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
    line = squeezed;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  return out;
}

}  // namespace

TEST_CASE("RFC 6376 3.4.1: simple header canonicalization changes nothing", "[canon]") {
  CHECK(Header(Canon::kSimple, "SubJect :  a\r\n\tb \r\n") == "SubJect :  a\r\n\tb \r\n");
}

TEST_CASE("RFC 6376 3.4.2: relaxed header canonicalization", "[canon]") {
  CHECK(Header(Canon::kRelaxed, "SubJect :  a\r\n\tb \r\n") == "subject:a b\r\n");
  CHECK(Header(Canon::kRelaxed, "X-Empty:\r\n") == "x-empty:\r\n");
  CHECK(Header(Canon::kRelaxed, "X-Ws:  \t \r\n") == "x-ws:\r\n");
  CHECK(Header(Canon::kRelaxed, "A: x\t\ty  z\r\n") == "a:x y z\r\n");
  // Section 3.4.2's own example (section 3.4.5 example 1).
  CHECK(Header(Canon::kRelaxed, "A: X\r\n") == "a:X\r\n");
  CHECK(Header(Canon::kRelaxed, "B : Y\t\r\n\tZ  \r\n") == "b:Y Z\r\n");
}

TEST_CASE("RFC 6376 3.4.5: the section's examples, both body algorithms", "[canon]") {
  const std::string body = " C \r\nD \t E\r\n\r\n\r\n";
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, body) == " C\r\nD E\r\n");
  CHECK(dkim::CanonicalBody(Canon::kSimple, body) == " C \r\nD \t E\r\n");
}

TEST_CASE("RFC 6376 3.4.3/3.4.4: empty bodies and trailing blank lines", "[canon]") {
  CHECK(dkim::CanonicalBody(Canon::kSimple, "") == "\r\n");
  CHECK(dkim::CanonicalBody(Canon::kSimple, "\r\n\r\n\r\n") == "\r\n");
  CHECK(dkim::CanonicalBody(Canon::kSimple, "x") == "x\r\n");
  CHECK(dkim::CanonicalBody(Canon::kSimple, "x \r\n \r\n") == "x \r\n \r\n");
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, "") == "");
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, "\r\n \t\r\n\r\n") == "");
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, "x") == "x\r\n");
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, "x \r\n \r\n\t\r\n") == "x\r\n");
  CHECK(dkim::CanonicalBody(Canon::kRelaxed, "a\r\n \r\nb\r\n") == "a\r\n\r\nb\r\n");
}

TEST_CASE("RFC 6376 3.5: c= values", "[canon]") {
  CHECK(dkim::ToString(*dkim::ParseCanonicalization("relaxed")) == "relaxed/simple");
  CHECK(dkim::ToString(*dkim::ParseCanonicalization("simple/relaxed")) == "simple/relaxed");
  CHECK_FALSE(dkim::ParseCanonicalization("").ok());
  CHECK_FALSE(dkim::ParseCanonicalization("relaxed/stressed").ok());
  CHECK_FALSE(dkim::ParseCanonicalization("simple/simple/simple").ok());
  CHECK_FALSE(dkim::ParseCanonicalization("worried").ok());
}

TEST_CASE("RFC 6376 3.4.4: the fast relaxed body path equals a naive reading", "[canon]") {
  // Random bodies over an alphabet rich in the bytes that matter, long
  // enough to cross the 16-byte vector steps at every offset.
  std::mt19937 rng(20261123);
  const std::string alphabet = "  \t\t\r\n\r\nab.";
  for (int round = 0; round < 5000; ++round) {
    std::string body;
    size_t length = rng() % 400;  // crosses the 16/64-byte vector steps
    for (size_t i = 0; i < length; ++i) {
      if (rng() % 4 == 0) {
        body += "\r\n";
      } else {
        body += alphabet[rng() % alphabet.size()];
      }
    }
    INFO("body #" << round);
    REQUIRE(dkim::CanonicalBody(Canon::kRelaxed, body) == NaiveRelaxedBody(body));
  }
}

TEST_CASE("canonical forms are fixed points", "[canon]") {
  for (const std::string body : {" a  b\t\r\n\r\nc \r\n\r\n", "x", "", "\r\n"}) {
    for (Canon c : {Canon::kSimple, Canon::kRelaxed}) {
      std::string once = dkim::CanonicalBody(c, body);
      CHECK(dkim::CanonicalBody(c, once) == once);
    }
  }
}

TEST_CASE("the body sink reports the canonical length", "[canon]") {
  std::string out;
  uint64_t n = dkim::CanonicalizeBody(Canon::kRelaxed, "a  b \r\n\r\n",
                                      [&](std::string_view run) { out.append(run); });
  CHECK(out == "a b\r\n");
  CHECK(n == out.size());
}

// RFC 6376 section 3.4.1: simple header canonicalization changes nothing,
// and each field hashed ends in CRLF: a field given without its line end
// gets one, a field with one gets no second.
TEST_CASE("RFC 6376 3.4.1: simple keeps a field's CRLF and adds one only when missing",
          "[canonicalization]") {
  CHECK(Header(Canon::kSimple, "Subject: Hi\r\n") == "Subject: Hi\r\n");
  CHECK(Header(Canon::kSimple, "Subject: Hi") == "Subject: Hi\r\n");
  CHECK(Header(Canon::kSimple, "X:") == "X:\r\n");
  CHECK(Header(Canon::kSimple, "A: b\r\n c\r\n") == "A: b\r\n c\r\n");
}
