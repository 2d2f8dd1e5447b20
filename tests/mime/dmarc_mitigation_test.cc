// DMARC mitigation: From rewritten to the list, or the post wrapped whole
// (listd/mime/dmarc_mitigation.h).
#include "listd/mime/dmarc_mitigation.h"

#include <catch2/catch.hpp>

#include "listd/mime/gmime_support.h"
#include "listd/mime/header_edit.h"
#include "tests/mime/mime_test_support.h"

namespace listd::mime {
namespace {

using testing::CheckRoundTrip;
using testing::Crlf;
using testing::LeafParts;

MitigationRequest Demo(bool reply_to_list = false) {
  MitigationRequest request;
  request.list = {"Demo list", "demo", "lists.example.org", ""};
  request.reply_to_list = reply_to_list;
  return request;
}

const std::string kPost = Crlf(
    "Authentication-Results: lists.example.org; dkim=pass header.d=example.com\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=x; b=y\n"
    "From: \"Doe, Jane\" <jane@example.com>\n"
    "To: demo@lists.example.org\n"
    "Subject: Hello\n"
    "Message-ID: <1@example.com>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hi there.\n");

// The decoded display name and address of the message's From.
std::pair<std::string, std::string> FromOf(const std::string& message) {
  EnsureGMime();
  auto value = GetFieldValue(message, "From");
  REQUIRE(value);
  GPtr<InternetAddressList> list(internet_address_list_parse(nullptr, value->c_str()));
  REQUIRE(list);
  REQUIRE(internet_address_list_length(list.get()) == 1);
  InternetAddress* address = internet_address_list_get_address(list.get(), 0);
  const char* name = internet_address_get_name(address);
  return {name ? name : "", internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address))};
}

TEST_CASE(
    "RFC 7489 section 3.1: munge-from puts the list's address in From, the author in "
    "Reply-To",
    "[mime][dmarc]") {
  auto munged = MungeFrom(kPost, Demo());
  REQUIRE(munged.ok());
  CHECK(FromOf(munged->message) == std::make_pair(std::string("Doe, Jane via Demo list"),
                                                  std::string("demo@lists.example.org")));
  CHECK(GetFieldValue(munged->message, "Reply-To") == " \"Doe, Jane\" <jane@example.com>");
  CHECK(munged->author == "\"Doe, Jane\" <jane@example.com>");
  // Everything else keeps its bytes, the body included.
  CHECK(GetFieldValue(munged->message, "DKIM-Signature") == GetFieldValue(kPost, "DKIM-Signature"));
  CHECK(munged->message.substr(munged->message.find("\r\n\r\n")) ==
        kPost.substr(kPost.find("\r\n\r\n")));
  CheckRoundTrip(munged->message);
}

TEST_CASE("RFC 5322 section 3.6.3: with Reply-To set to the list, the author goes to Cc",
          "[mime][dmarc]") {
  const std::string with_cc = Crlf("From: jane@example.com\nCc: bob@example.net\n\nb\n");
  auto munged = MungeFrom(with_cc, Demo(/*reply_to_list=*/true));
  REQUIRE(munged.ok());
  CHECK(GetFieldValue(munged->message, "Cc") == " bob@example.net,\r\n jane@example.com");
  CHECK_FALSE(GetFieldValue(munged->message, "Reply-To"));
  // The name falls back to the address when the author gave none.
  CHECK(FromOf(munged->message).first == "jane@example.com via Demo list");
  auto no_cc = MungeFrom(Crlf("From: jane@example.com\n\nb\n"), Demo(true));
  REQUIRE(no_cc.ok());
  CHECK(GetFieldValue(no_cc->message, "Cc") == " jane@example.com");
}

TEST_CASE("RFC 5322 section 2.1.1: a long folded Cc keeps its folding when the author joins",
          "[mime][dmarc]") {
  std::string cc = "Cc: a0@example.net";
  for (int i = 1; i < 60; ++i) cc += ",\n a" + std::to_string(i) + "@example.net";
  const std::string post = Crlf("From: jane@example.com\n" + cc + "\n\nb\n");
  auto munged = MungeFrom(post, Demo(/*reply_to_list=*/true));
  REQUIRE(munged.ok());
  CheckRoundTrip(munged->message);  // every line at most 998 bytes
  for (const std::string& line : testing::HeaderLines(munged->message)) {
    CHECK(line.size() <= 78);
  }
  CHECK(GetFieldValue(munged->message, "Cc")->ends_with(",\r\n jane@example.com"));
}

TEST_CASE("RFC 5322 section 4.5.8: \"From :\" with space before the colon is still From",
          "[mime][dmarc]") {
  auto munged = MungeFrom(Crlf("From : jane@example.com\nReply-To : x@example.org\n\nb\n"), Demo());
  REQUIRE(munged.ok());
  CHECK(FromOf(munged->message).second == "demo@lists.example.org");
  CHECK(GetFieldValue(munged->message, "Reply-To") == " x@example.org");
}

TEST_CASE("RFC 5322 section 3.6.2: an author's own Reply-To is kept", "[mime][dmarc]") {
  const std::string post = Crlf("From: jane@example.com\nReply-To: team@example.com\n\nb\n");
  auto munged = MungeFrom(post, Demo());
  REQUIRE(munged.ok());
  CHECK(GetFieldValue(munged->message, "Reply-To") == " team@example.com");
}

TEST_CASE("RFC 2047: a non-ASCII author name is encoded in the new From", "[mime][dmarc]") {
  const std::string post = Crlf("From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\n\nb\n");
  auto munged = MungeFrom(post, Demo());
  REQUIRE(munged.ok());
  const std::string raw = *GetFieldValue(munged->message, "From");
  CHECK(raw.find("=?") != std::string::npos);
  CHECK(FromOf(munged->message).first == "J\xC3\xBCrgen via Demo list");
}

TEST_CASE("RFC 5322 section 3.6.2: no From, two From or a group cannot be munged",
          "[mime][dmarc]") {
  CHECK_FALSE(MungeFrom(Crlf("To: x@example.org\n\nb\n"), Demo()).ok());
  CHECK_FALSE(MungeFrom(Crlf("From: a@example.org\nFrom: b@example.org\n\nb\n"), Demo()).ok());
  CHECK_FALSE(MungeFrom(Crlf("From: a@example.org, b@example.org\n\nb\n"), Demo()).ok());
  CHECK_FALSE(WrapMessage(Crlf("To: x@example.org\n\nb\n"), Demo()).ok());
}

TEST_CASE("RFC 2046 section 5.2.1: wrap keeps the original whole as message/rfc822",
          "[mime][dmarc]") {
  auto wrapped = WrapMessage(kPost, Demo());
  REQUIRE(wrapped.ok());
  const std::string& out = wrapped->message;
  // The original, byte for byte, inside: its signature can still verify.
  CHECK(out.find(kPost) != std::string::npos);
  CHECK(FromOf(out).second == "demo@lists.example.org");
  CHECK(GetFieldValue(out, "Subject") == " Hello");
  CHECK(GetFieldValue(out, "Reply-To") == " \"Doe, Jane\" <jane@example.com>");
  CHECK_FALSE(GetFieldValue(out, "DKIM-Signature"));
  CHECK(GetFieldValue(out, "Authentication-Results"));
  CHECK(GetFieldValue(out, "Content-Type")->find("multipart/mixed") != std::string::npos);
  auto parts = LeafParts(out);
  REQUIRE_FALSE(parts.empty());
  CheckRoundTrip(out);
  EnsureGMime();
  auto parsed = ParseMessage(out);
  REQUIRE(parsed);
  GMimeObject* body = g_mime_message_get_mime_part(parsed.get());
  REQUIRE(GMIME_IS_MULTIPART(body));
  GMimeObject* first = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
  CHECK(GMIME_IS_MESSAGE_PART(first));
}

TEST_CASE("RFC 8617 section 5.1: wrap carries the post's ARC sets to the wrapper's header",
          "[mime][dmarc][arc]") {
  // Hardening finding 11: the wrapper must be sealed as the next hop of
  // the chain the post came with, so its ARC sets go on the outer header
  // byte for byte, in their order (and stay inside too, with the post).
  const std::string arc = Crlf(
      "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=mx.example; s=s;\n"
      "  b=seal\n"
      "ARC-Message-Signature: i=1; a=rsa-sha256; d=mx.example; s=s; h=from; bh=x; b=ams\n"
      "ARC-Authentication-Results: i=1; mx.example; dkim=pass header.d=example.com\n");
  const std::string post = arc + kPost;
  auto wrapped = WrapMessage(post, Demo());
  REQUIRE(wrapped.ok());
  const std::string& out = wrapped->message;
  const size_t body = out.find("\r\n\r\n");
  REQUIRE(body != std::string::npos);
  const std::string outer_header = out.substr(0, body + 2);
  CHECK(outer_header.find(arc) != std::string::npos);
  CHECK(out.find(post) != std::string::npos);  // the original, whole, inside
  CHECK_FALSE(GetFieldValue(outer_header, "DKIM-Signature"));
}

}  // namespace
}  // namespace listd::mime
