// The fast paths of the verify hot path against plain readings of the RFC:
// run-based relaxed header canonicalization (RFC 6376 section 3.4.2), the
// signature field canonicalized in two pieces around its b= value (section
// 3.7), the shuffle-based relaxed body scanner (section 3.4.4), the 128-byte
// bare-LF scan at intake (RFC 5322 section 2.2 line endings), the bit-set
// duplicate check of tag lists (section 3.2) and the table-driven base64.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <variant>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dkim/tag_list.h"

namespace {

// Section 3.4.2 read literally: lower-case the name, drop WSP before and
// after the colon, unfold (remove each CRLF), squeeze WSP runs to one SP,
// drop trailing WSP. No CRLF at the end.
std::string NaiveRelaxedHeader(std::string_view raw) {
  size_t colon = raw.find(':');
  std::string_view name = raw.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  std::string out;
  for (char c : name) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  out += ':';
  std::string_view value = colon == std::string_view::npos ? "" : raw.substr(colon + 1);
  if (value.size() >= 2 && value.substr(value.size() - 2) == "\r\n") value.remove_suffix(2);
  std::string unfolded;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    unfolded += value[i];
  }
  std::string squeezed;
  for (char c : unfolded) {
    bool wsp = c == ' ' || c == '\t';
    if (wsp && !squeezed.empty() && squeezed.back() == ' ') continue;
    squeezed += wsp ? ' ' : c;
  }
  size_t first = squeezed.find_first_not_of(' ');
  if (first == std::string::npos) return out;
  size_t last = squeezed.find_last_not_of(' ');
  return out + squeezed.substr(first, last - first + 1);
}

// Section 3.4.4 read literally, for bodies.
std::string NaiveRelaxedBody(const std::string& body) {
  std::string out;
  std::string line;
  auto flush = [&](bool had_crlf) {
    std::string squeezed;
    for (char c : line) {
      bool wsp = c == ' ' || c == '\t';
      if (wsp && !squeezed.empty() && squeezed.back() == ' ') continue;
      squeezed += wsp ? ' ' : c;
    }
    while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
    out += squeezed;
    if (had_crlf) out += "\r\n";
    line.clear();
  };
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
      flush(true);
      ++i;
    } else {
      line += body[i];
    }
  }
  if (!line.empty()) flush(true);  // erratum 1384: a last line gets its CRLF
  while (out.size() >= 4 && out.substr(out.size() - 4) == "\r\n\r\n") out.resize(out.size() - 2);
  if (out == "\r\n") out.clear();
  return out;
}

// Random text from pieces that exercise every branch of the scanners: WSP
// runs, folding, bare CR and LF, and bytes whose low nibble equals that of
// SP, TAB or CR (0x00, 0x19, 0x2d, 0x80, 0x89, 0x8d, 0xa0).
std::string RandomText(std::mt19937& rng, size_t pieces) {
  static const char* const kPieces[] = {"word",   "X",    " ",    "  ",   "\t", " \t ", "\r\n ",
                                        "\r\n\t", "\r",   "\n",   ";",    "=",  "\x19", "-",
                                        "\x80",   "\x89", "\x8d", "\xa0", "0",  "\r\n"};
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  std::string s;
  for (size_t i = 0; i < pieces; ++i) s += kPieces[pick(rng)];
  return s;
}

}  // namespace

TEST_CASE("Relaxed header canonicalization equals a literal reading (RFC 6376 3.4.2)",
          "[perf_paths]") {
  std::mt19937 rng(6376);
  for (int round = 0; round < 3000; ++round) {
    std::string raw = "Sub Ject \t:" + RandomText(rng, static_cast<size_t>(round % 60)) + "\r\n";
    std::string out;
    dkim::AppendCanonicalHeaderNoCrlf(dkim::Canon::kRelaxed, raw, out);
    INFO("raw: " << raw);
    REQUIRE(out == NaiveRelaxedHeader(raw));
  }
}

TEST_CASE("A field canonicalized in two pieces equals the joined field (RFC 6376 3.7)",
          "[perf_paths]") {
  std::mt19937 rng(37);
  for (int round = 0; round < 200; ++round) {
    std::string raw = "DKIM-Signature:" + RandomText(rng, 30) + "\r\n";
    for (size_t cut = 0; cut <= raw.size(); ++cut) {
      for (size_t gap : {size_t{0}, size_t{3}}) {
        if (cut + gap > raw.size()) continue;
        std::string_view head = std::string_view(raw).substr(0, cut);
        std::string_view tail = std::string_view(raw).substr(cut + gap);
        std::string joined = std::string(head) + std::string(tail);
        for (dkim::Canon canon : {dkim::Canon::kSimple, dkim::Canon::kRelaxed}) {
          std::string expected, got;
          dkim::AppendCanonicalHeaderNoCrlf(canon, joined, expected);
          dkim::AppendCanonicalHeaderNoCrlf(canon, head, tail, got);
          INFO("raw: " << raw << " cut " << cut << " gap " << gap);
          REQUIRE(got == expected);
        }
      }
    }
  }
}

TEST_CASE("Relaxed body scanner leaves 8-bit and look-alike bytes alone (RFC 6376 3.4.4)",
          "[perf_paths]") {
  std::mt19937 rng(344);
  for (int round = 0; round < 2000; ++round) {
    std::string body = RandomText(rng, static_cast<size_t>(round % 200));
    INFO("body: " << body);
    REQUIRE(dkim::CanonicalBody(dkim::Canon::kRelaxed, body) == NaiveRelaxedBody(body));
  }
}

TEST_CASE("A bare LF is found at every offset of a long CRLF text (RFC 5322 2.2)", "[perf_paths]") {
  std::string clean;
  while (clean.size() < 700) clean += "Line of text\r\n";
  std::string converted;
  REQUIRE_FALSE(dkim::NormalizeLineEndings(converted = clean));
  for (size_t at = 0; at <= clean.size(); ++at) {
    std::string bytes = clean.substr(0, at) + "\n" + clean.substr(at);
    // The expected text: each LF not after CR gets a CR before it.
    std::string expected;
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) expected += '\r';
      expected += bytes[i];
    }
    bool bare = expected != bytes;
    std::string got = bytes;
    INFO("LF inserted at " << at);
    REQUIRE(dkim::NormalizeLineEndings(got) == bare);
    REQUIRE(got == expected);
  }
}

TEST_CASE("Header lines split at CRLF even after a stray CR (RFC 5322 2.2)", "[perf_paths]") {
  auto m = dkim::Message::Parse("A: b\r\r\nC: d\r\n\r\nbody");
  REQUIRE(m.ok());
  REQUIRE(m->headers().size() == 2);
  CHECK(m->headers()[0].raw == "A: b\r\r\n");
  CHECK(m->headers()[1].raw == "C: d\r\n");
  CHECK(m->body() == "body");
}

TEST_CASE("Duplicate tags are errors, one-letter or longer, case-sensitive (RFC 6376 3.2)",
          "[perf_paths]") {
  CHECK(dkim::TagList::Parse("a=1; A=2; b=3; bh=4; z=5; Z=6").ok());
  CHECK_FALSE(dkim::TagList::Parse("a=1; b=2; a=3").ok());
  CHECK_FALSE(dkim::TagList::Parse("Z=1; b=2; Z=3").ok());
  CHECK_FALSE(dkim::TagList::Parse("bh=1; b=2; bh=3").ok());
  CHECK(dkim::TagList::Parse("bh=1; b=2; hb=3").ok());
}

TEST_CASE("Base64 decoding round-trips and rejects junk at any place", "[perf_paths]") {
  std::mt19937 rng(4648);
  for (size_t n = 0; n < 300; ++n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string text = dkim::Base64Encode(bytes);
    auto decoded = dkim::Base64Decode(text);
    REQUIRE(decoded.ok());
    REQUIRE(*decoded == bytes);
    if (text.empty()) continue;
    std::string broken = text;
    broken[rng() % broken.size()] = '*';
    REQUIRE_FALSE(dkim::Base64Decode(broken).ok());
  }
}

TEST_CASE("Signature tags with folding inside still parse (RFC 6376 3.5)", "[perf_paths]") {
  auto parsed = dkim::ParseSignature(
      " v=1; a=rsa-\r\n sha256; c=relaxed/\r\n relaxed; d=exa\r\n mple.org; s=sel\r\n ector;"
      " h=From : To:\r\n Sub ject; t=12\r\n 34; bh=AAAA; b=AA\r\n AA");
  REQUIRE(std::holds_alternative<dkim::Signature>(parsed));
  const auto& sig = std::get<dkim::Signature>(parsed);
  CHECK(sig.algorithm == dkim::SigningAlgorithm::kRsaSha256);
  CHECK(sig.canonicalization.header == dkim::Canon::kRelaxed);
  CHECK(sig.canonicalization.body == dkim::Canon::kRelaxed);
  CHECK(sig.domain == "example.org");
  CHECK(sig.selector == "selector");
  CHECK(sig.signed_headers == std::vector<std::string>{"From", "To", "Subject"});
  CHECK(sig.timestamp == 1234);
  CHECK(sig.b_base64 == "AAAA");
}
