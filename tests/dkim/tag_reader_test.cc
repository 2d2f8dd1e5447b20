// TagReader (RFC 6376 section 3.2) reads common tag-specs in one fast pass
// and leaves the rest to a careful path; these prove both paths read the
// same tags and report the same errors, and that the verify path's
// storage-reusing parsers match their allocating forms.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "dkim/crypto.h"
#include "dkim/signature.h"
#include "dkim/tag_list.h"

namespace {

std::vector<std::pair<std::string, std::string>> ReadAll(std::string_view text, std::string& error) {
  std::vector<std::pair<std::string, std::string>> out;
  dkim::TagReader reader(text);
  dkim::Tag tag;
  while (reader.Next(tag)) out.emplace_back(tag.name, tag.value);
  error = reader.error();
  return out;
}

}  // namespace

TEST_CASE("RFC 6376 3.2: FWS around names, '=' and values is trimmed on both paths",
          "[tag_list][perf]") {
  std::string error;
  auto tags = ReadAll(" a = 1 ;\r\n\tbh=abc\r\n def\r\n ; c=x y ;", error);
  CHECK(error.empty());
  REQUIRE(tags.size() == 3);
  CHECK(tags[0] == std::pair<std::string, std::string>{"a", "1"});
  CHECK(tags[1] == std::pair<std::string, std::string>{"bh", "abc\r\n def"});
  CHECK(tags[2] == std::pair<std::string, std::string>{"c", "x y"});
}

TEST_CASE("RFC 6376 3.2: a value ending in a bare CRLF at the end of the text is trimmed",
          "[tag_list][perf]") {
  // Not the fast path's shape (CRLF without WSP after it); the careful
  // path trims it as FWS.
  std::string error;
  auto tags = ReadAll("a=1; b=xyz\r\n", error);
  CHECK(error.empty());
  REQUIRE(tags.size() == 2);
  CHECK(tags[1].second == "xyz");
}

TEST_CASE("RFC 6376 3.2: malformed specs give the careful path's errors", "[tag_list][perf]") {
  std::string error;
  ReadAll("a=1; b=x\ry", error);
  CHECK(error == "bare CR in value of tag b=");
  ReadAll("a=1; b=x\r\ny", error);
  CHECK(error == "line break not followed by whitespace in tag b=");
  ReadAll("a=1; b=x\x01y", error);
  CHECK(error == "invalid character in value of tag b=");
  ReadAll("a=1; b=x\xc3\xa9", error);
  CHECK(error == "invalid character in value of tag b=");
  ReadAll("a=1; b c=2", error);
  CHECK(error == "invalid tag name 'b c'");
  ReadAll("a=1;; b=2", error);
  CHECK(error == "empty tag-spec (';;') in tag list");
  ReadAll("a=1; novalue", error);
  CHECK(error == "tag-spec 'novalue' has no '='");
  ReadAll("1a=1", error);
  CHECK(error == "invalid tag name '1a'");
}

TEST_CASE("RFC 6376 3.2: duplicate names are errors, also past the inline name slots",
          "[tag_list][perf]") {
  std::string text;
  for (int i = 0; i < 12; ++i) text.append("n").append(std::to_string(i)).append("=v;");
  std::string error;
  CHECK(ReadAll(text, error).size() == 12);
  CHECK(error.empty());
  ReadAll(text + "n10=w", error);
  CHECK(error == "duplicate tag n10=");
  ReadAll(text + "n1=w", error);
  CHECK(error == "duplicate tag n1=");
}

TEST_CASE("RFC 6376 3.5: ParseSignatureInto reuses a Signature and matches ParseSignature",
          "[signature][perf]") {
  const std::string good =
      " v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel; t=100;\r\n"
      "\th=From : To:\r\n Subject; bh=47DEQpj8HBSA+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
      "\tb=dGVzdA==";
  dkim::Signature sig;
  REQUIRE_FALSE(dkim::ParseSignatureInto(good, sig).has_value());
  auto fresh = dkim::ParseSignature(good);
  REQUIRE(std::holds_alternative<dkim::Signature>(fresh));
  const dkim::Signature& expected = std::get<dkim::Signature>(fresh);
  CHECK(sig.signed_headers == std::vector<std::string>{"From", "To", "Subject"});
  CHECK(sig.signed_headers == expected.signed_headers);
  CHECK(sig.signature == "test");
  CHECK(sig.identity == "@example.org");

  // A second, different signature into the same object leaves nothing of
  // the first behind.
  const std::string other =
      "v=1; a=ed25519-sha256; d=example.com; s=s2; h=from; i=u@example.com;\r\n"
      " bh=47DEQpj8HBSA+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=YQ==";
  REQUIRE_FALSE(dkim::ParseSignatureInto(other, sig).has_value());
  CHECK(sig.signed_headers == std::vector<std::string>{"from"});
  CHECK(sig.signature == "a");
  CHECK(sig.domain == "example.com");
  CHECK(sig.identity == "u@example.com");
  CHECK_FALSE(sig.timestamp.has_value());
  CHECK(sig.canonicalization.header == dkim::Canon::kSimple);

  // An error keeps what could be read, as SignatureParseError does.
  auto error = dkim::ParseSignatureInto("v=1; d=example.net; s=x; b=Zm9v", sig);
  REQUIRE(error.has_value());
  CHECK(*error == "missing required tag a=");
  CHECK(sig.domain == "example.net");
  CHECK(sig.b_base64 == "Zm9v");
  CHECK(sig.identity.empty());
}

TEST_CASE("Base64DecodeInto matches Base64Decode and reuses its output", "[crypto][perf]") {
  std::string out = "leftover bytes from before";
  REQUIRE(dkim::Base64DecodeInto("aGVs\r\n bG8=", out));
  CHECK(out == "hello");
  CHECK(*dkim::Base64Decode("aGVs\r\n bG8=") == "hello");
  CHECK_FALSE(dkim::Base64DecodeInto("aGVsbG8", out));
  CHECK_FALSE(dkim::Base64Decode("aGVsbG8").ok());
  CHECK_FALSE(dkim::Base64DecodeInto("aG!s", out));
}
