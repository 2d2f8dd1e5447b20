// Tag lists, RFC 6376 section 3.2.
#include <catch2/catch.hpp>

#include "dkim/tag_list.h"

using dkim::TagList;

TEST_CASE("RFC 6376 3.2: tags, whitespace around names and values, a trailing semicolon",
          "[tag_list]") {
  auto t = TagList::Parse(" v = 1 ;a=rsa-sha256;\r\n\tb = abc\r\n def ; ");
  REQUIRE(t.ok());
  REQUIRE(t->tags().size() == 3);
  CHECK(t->Get("v") == "1");
  CHECK(t->Get("a") == "rsa-sha256");
  CHECK(t->Get("b") == "abc\r\n def");  // inner FWS kept; callers strip it
  CHECK_FALSE(t->Get("x").has_value());
  CHECK(dkim::StripWhitespace(*t->Get("b")) == "abcdef");
}

TEST_CASE("RFC 6376 3.2: a duplicate tag is an error", "[tag_list]") {
  auto t = TagList::Parse("a=1; b=2; a=3");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().find("duplicate tag a=") != std::string::npos);
}

TEST_CASE("RFC 6376 3.2: names are case-sensitive, so A= and a= differ", "[tag_list]") {
  auto t = TagList::Parse("a=1; A=2");
  REQUIRE(t.ok());
  CHECK(t->Get("A") == "2");
}

TEST_CASE("RFC 6376 3.2: bad syntax is reported with a reason", "[tag_list]") {
  CHECK(TagList::Parse("a").error().find("no '='") != std::string::npos);
  CHECK(TagList::Parse("1a=x").error().find("invalid tag name") != std::string::npos);
  CHECK(TagList::Parse("a-b=x").error().find("invalid tag name") != std::string::npos);
  CHECK(TagList::Parse("a=1;;b=2").error().find("empty tag-spec") != std::string::npos);
  CHECK(TagList::Parse("a=caf\xc3\xa9").error().find("invalid character") != std::string::npos);
  CHECK(TagList::Parse("a=x\ny").error().find("line break") != std::string::npos);
}

TEST_CASE("RFC 6376 3.2: empty values and an empty list are allowed", "[tag_list]") {
  auto t = TagList::Parse("p=; n=");
  REQUIRE(t.ok());
  CHECK(t->Get("p") == "");
  auto empty = TagList::Parse("");
  REQUIRE(empty.ok());
  CHECK(empty->tags().empty());
}

// Found by fuzz/tag_list_fuzzer.cc: a lone LF passed as whitespace inside a
// value ("x\n y") and around one ("v=\n\nDMARC1" read as v=DMARC1, which
// StartsWithDmarcVersion refuses). FWS is [*WSP CRLF] 1*WSP (RFC 5322
// section 3.2.2, used by RFC 6376 section 3.2), so a lone CR or LF is an
// error wherever it stands.
TEST_CASE("RFC 6376 3.2: a lone LF or CR is not folding whitespace, in a value or around it",
          "[tag_list]") {
  CHECK(TagList::Parse("a=x\n y").error() ==
        "bare LF (a line break without CR) in value of tag a=");
  CHECK_FALSE(TagList::Parse("v=\n\nDMARC1; p=reject").ok());
  CHECK_FALSE(TagList::Parse("a=1\n; b=2").ok());
  CHECK_FALSE(TagList::Parse("\na=1").ok());
  CHECK_FALSE(TagList::Parse("a\n=1").ok());
  CHECK_FALSE(TagList::Parse("a=\r1").ok());
  // Real folding, and a CRLF ending the text, still read.
  auto folded = TagList::Parse("a=x\r\n y;\r\n b = 2 ;c=3\r\n");
  REQUIRE(folded.ok());
  CHECK(folded->Get("a") == "x\r\n y");
  CHECK(folded->Get("b") == "2");
  CHECK(folded->Get("c") == "3");
}
