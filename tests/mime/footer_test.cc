// footer: the footer lands where a reader sees it, encodings stay valid,
// signed mail is left alone, and every output parses back (round trip).
#include "listd/mime/footer.h"

#include <catch2/catch.hpp>

#include "listd/mime/header_edit.h"
#include "listd/mime/text_codec.h"
#include "mime_test_support.h"

namespace listd::mime {
namespace {

using testing::CheckRoundTrip;
using testing::Crlf;
using testing::DecodedPart;
using testing::HeaderLines;
using testing::LeafParts;

const std::string kFooter = "_____\nDemo list -- demo@lists.example.org\n";
const std::string kHead =
    "From: Ann <ann@example.com>\nTo: demo@lists.example.org\nSubject: hi\n"
    "Message-ID: <1@example.com>\n";

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FooterResult Add(const std::string& message, const std::string& footer = kFooter) {
  base::Result<FooterResult> result = AddFooter(message, footer);
  REQUIRE(result.ok());
  CheckRoundTrip(result->message);
  return std::move(*result);
}

TEST_CASE("No Content-Type is text/plain in us-ascii: footer appended (RFC 2045 §5.2)",
          "[footer]") {
  std::string message = Crlf(kHead + "\nHello.\n");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kAppendedToText);
  CHECK(result.message == message + Crlf(kFooter));
}

TEST_CASE("UTF-16 text/plain is not appended to byte-wise: footer as its own part (RFC 2046 "
          "§4.1.2)",
          "[footer]") {
  // "hi\n" in UTF-16 little-endian with its byte-order mark, base64.
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\n"
                             "Content-Type: text/plain; charset=utf-16\n"
                             "Content-Transfer-Encoding: base64\n\n"
                             "//5oAGkACgA=\n");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kAddedPart);
  CHECK(result.why.find("utf-16") != std::string::npos);
  // The original part is carried whole, its bytes untouched.
  CHECK(result.message.find("//5oAGkACgA=") != std::string::npos);
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].bytes == std::string("\xff\xfeh\0i\0\n\0", 8));
  CHECK(parts[1].utf8.find("Demo list -- demo@lists.example.org") != std::string::npos);
}

TEST_CASE("7bit text/plain: footer appended, header bytes unchanged (RFC 2045 §6.2)", "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain;\n charset=us-ascii\n"
                             "Content-Transfer-Encoding: 7bit\n\nNo newline at end");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kAppendedToText);
  CHECK(HeaderLines(result.message) == HeaderLines(message));
  CHECK(result.message == message + Crlf("\n" + kFooter));
}

TEST_CASE(
    "7bit us-ascii text with a UTF-8 footer becomes utf-8 quoted-printable "
    "(RFC 2045 §6.7, RFC 2046 §4.1.2)",
    "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
                             "Content-Transfer-Encoding: 7bit\n\nHello.\n");
  FooterResult result = Add(message, "Liste café\n");
  CHECK(result.placement == FooterPlacement::kAppendedToText);
  CHECK(GetFieldValue(result.message, "Content-Transfer-Encoding") == " quoted-printable");
  CHECK(GetFieldValue(result.message, "Content-Type") == " text/plain; charset=utf-8");
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].utf8 == "Hello.\r\nListe café\r\n");
}

TEST_CASE("8bit utf-8 text/plain: footer appended as 8bit (RFC 2045 §6.2)", "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: 8bit\n\nGrüße\n");
  FooterResult result = Add(message, "é footer\n");
  CHECK(result.message == message + Crlf("é footer\n"));
}

TEST_CASE("quoted-printable stays quoted-printable, lines at most 76 (RFC 2045 §6.7)", "[footer]") {
  std::string long_footer = "Footer " + std::string(100, 'f') + " café\n";
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: quoted-printable\n\n"
                             "Caf=C3=A9 soft=\nbreak\n");
  FooterResult result = Add(message, long_footer);
  CHECK(HeaderLines(result.message) == HeaderLines(message));
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].utf8 == ToCrlf("Café softbreak\n" + long_footer));
  std::string body = result.message.substr(*FindHeaderEnd(result.message) + 2);
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find("\r\n", pos);
    CHECK(end - pos <= 76);
    pos = end + 2;
  }
}

TEST_CASE("base64 stays base64: decoded body is text plus footer (RFC 2045 §6.8)", "[footer]") {
  // "Hello base64\r\n"
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: base64\n\nSGVsbG8gYmFzZTY0DQo=\n");
  std::string footer = std::string(80, '-') + "\n";
  FooterResult result = Add(message, footer);
  CHECK(HeaderLines(result.message) == HeaderLines(message));
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].bytes == "Hello base64\r\n" + ToCrlf(footer));
  std::string body = result.message.substr(*FindHeaderEnd(result.message) + 2);
  CHECK(body.find("\r\n") == 76);
}

TEST_CASE("latin-1 text takes a UTF-8 footer with é in latin-1 (RFC 2046 §4.1.2)", "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
                             "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9\n");
  FooterResult result = Add(message, "Liste de discussion é\n");
  CHECK(GetFieldValue(result.message, "Content-Type") == " text/plain; charset=iso-8859-1");
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].bytes == "Caf\xE9\r\nListe de discussion \xE9\r\n");
  CHECK(parts[0].utf8 == "Café\r\nListe de discussion é\r\n");
}

TEST_CASE(
    "latin-1 text and a footer latin-1 cannot hold: body converted to utf-8 "
    "(RFC 2046 §4.1.2)",
    "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"iso-8859-1\"; "
                             "format=fixed\nContent-Transfer-Encoding: 8bit\n\nCaf\xE9\n");
  FooterResult result = Add(message, "Liste € café\n");
  CHECK(GetFieldValue(result.message, "Content-Type") ==
        " text/plain; charset=utf-8; format=fixed");
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].utf8 == "Café\r\nListe € café\r\n");
}

TEST_CASE("An unknown charset is not touched: the footer goes in its own part", "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: text/plain; charset=x-klingon\n\n"
                             "Qapla'\n");
  FooterResult result = Add(message, "é\n");
  CHECK(result.placement == FooterPlacement::kAddedPart);
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].bytes == "Qapla'\r\n");
  CHECK(parts[1].utf8 == "é\r\n");
}

TEST_CASE(
    "format=flowed stays valid: no trailing spaces, no flowing into the footer "
    "(RFC 3676 §4.2, §4.4)",
    "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\n"
                             "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
                             "A flowed \nparagraph \n");
  FooterResult result = Add(message, "Footer line   \n> quoted-looking\n-- \nsig\n");
  std::string body = result.message.substr(*FindHeaderEnd(result.message) + 2);
  CHECK(body == Crlf("A flowed \nparagraph \n\nFooter line\n > quoted-looking\n-- \nsig\n"));
}

TEST_CASE("multipart/mixed gets the footer as a new last part (RFC 2046 §5.1.3)", "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n"
                             "preamble\n--XX\nContent-Type: text/plain\n\nfirst\n"
                             "--XX\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
                             "iVBORw0KGgo=\n--XX--\nepilogue\n");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kAddedPart);
  CHECK(HeaderLines(result.message) == HeaderLines(message));
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].bytes == "first");
  CHECK(parts[1].mime_type == "image/png");
  CHECK(parts[1].bytes == "\x89PNG\r\n\x1a\n");
  CHECK(parts[2].mime_type == "text/plain");
  CHECK(parts[2].charset == "utf-8");
  CHECK(parts[2].utf8 == ToCrlf(kFooter));
  CHECK(EndsWith(result.message, Crlf("\n--XX--\nepilogue\n")));
}

TEST_CASE(
    "multipart/alternative is wrapped in multipart/mixed, Mailman's way "
    "(RFC 2046 §5.1.3, §5.1.4)",
    "[footer]") {
  std::string message = Crlf(kHead +
                             "MIME-Version: 1.0\n"
                             "Content-Type: multipart/alternative;\n boundary=\"alt\"\n\n"
                             "--alt\nContent-Type: text/plain\n\nplain\n"
                             "--alt\nContent-Type: text/html\n\n<p>html</p>\n--alt--\n");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kAddedPart);
  std::optional<std::string> type = GetFieldValue(result.message, "Content-Type");
  REQUIRE(type.has_value());
  CHECK(type->find("multipart/mixed") != std::string::npos);
  // The old Content-Type moved verbatim into the first part.
  CHECK(result.message.find(Crlf("\nContent-Type: multipart/alternative;\n boundary=\"alt\"\n\n"
                                 "--alt\n")) != std::string::npos);
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].bytes == "plain");
  CHECK(parts[1].mime_type == "text/html");
  CHECK(parts[2].utf8 == ToCrlf(kFooter));
  // Untouched fields keep their bytes and order; only Content-Type changed.
  std::vector<std::string> before = HeaderLines(message);
  std::vector<std::string> after = HeaderLines(result.message);
  REQUIRE(after.size() == 6);
  CHECK(std::vector<std::string>(after.begin(), after.begin() + 5) ==
        std::vector<std::string>(before.begin(), before.begin() + 5));
}

TEST_CASE("text/html is wrapped with its Content-* fields moved inside (RFC 2045 §9)", "[footer]") {
  std::string message =
      Crlf(kHead +
           "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           "<p>é</p>\n");
  FooterResult result = Add(message);
  CHECK(GetFieldValue(result.message, "MIME-Version") == " 1.0");
  CHECK_FALSE(GetFieldValue(result.message, "Content-Transfer-Encoding").has_value());
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].mime_type == "text/html");
  CHECK(parts[0].utf8 == "<p>é</p>\r\n");
  CHECK(parts[1].utf8 == ToCrlf(kFooter));
}

TEST_CASE("image/png and message/rfc822 top-level are wrapped (RFC 2046 §5.1.3, §5.2.1)",
          "[footer]") {
  std::string png = Crlf(kHead +
                         "MIME-Version: 1.0\nContent-Type: image/png\n"
                         "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n");
  FooterResult result = Add(png);
  std::vector<DecodedPart> parts = LeafParts(result.message);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].bytes == "\x89PNG\r\n\x1a\n");

  std::string rfc822 = Crlf(kHead +
                            "MIME-Version: 1.0\nContent-Type: message/rfc822\n\n"
                            "From: b@example.com\nSubject: inner\n\ninner body\n");
  result = Add(rfc822);
  parts = LeafParts(result.message);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].bytes == "inner body\r\n");
  CHECK(parts[1].utf8 == ToCrlf(kFooter));
}

TEST_CASE("multipart/signed is left untouched byte for byte (RFC 1847 §2.1)", "[footer]") {
  std::string message = Crlf(
      kHead +
      "MIME-Version: 1.0\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\";"
      "\n micalg=pgp-sha256; boundary=\"sig\"\n\n--sig\nContent-Type: text/plain\n\nsigned\n"
      "--sig\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n"
      "--sig--\n");
  FooterResult result = Add(message);
  CHECK(result.placement == FooterPlacement::kNone);
  CHECK(result.message == message);
  CHECK(result.why.find("RFC 1847") != std::string::npos);
}

TEST_CASE("multipart/encrypted and S/MIME are left untouched (RFC 1847 §2.2, RFC 8551 §3.2)",
          "[footer]") {
  for (const char* type : {"multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
                           "boundary=\"e\"",
                           "application/pkcs7-mime; smime-type=enveloped-data"}) {
    std::string message =
        Crlf(kHead + "MIME-Version: 1.0\nContent-Type: " + type + "\n\n--e\n\nx\n--e--\n");
    FooterResult result = Add(message);
    CHECK(result.placement == FooterPlacement::kNone);
    CHECK(result.message == message);
  }
}

// Older S/MIME agents label the same bodies with the x- name; they are just
// as opaque (a footer inside would break the signature or the envelope).
TEST_CASE("application/x-pkcs7-mime is left untouched like application/pkcs7-mime (RFC 8551 §3.2)",
          "[footer]") {
  for (const char* type : {"application/x-pkcs7-mime; smime-type=signed-data; name=smime.p7m",
                           "Application/X-PKCS7-MIME; smime-type=enveloped-data"}) {
    std::string message =
        Crlf(kHead + "MIME-Version: 1.0\nContent-Type: " + type +
             "\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n");
    FooterResult result = Add(message);
    CHECK(result.placement == FooterPlacement::kNone);
    CHECK(result.message == message);
    CHECK(result.why == "application/x-pkcs7-mime: S/MIME left untouched (RFC 8551 §3.2)");
  }
}

// RFC 5322 §2.1.1 and RFC 2045 §2.7: a 7bit line is at most 998 octets. A
// 7bit body that arrives with a longer line cannot go out as 7bit with the
// footer added: it is re-encoded (quoted-printable), the text unchanged. At
// exactly 998 the body is still valid 7bit and its bytes are kept.
TEST_CASE("7bit text/plain with a line over 998 octets is re-encoded, 998 is kept as 7bit",
          "[footer]") {
  const std::string head = kHead +
                           "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
                           "Content-Transfer-Encoding: 7bit\n\n";
  SECTION("999 octets: quoted-printable") {
    const std::string line(999, 'a');
    std::string message = Crlf(head + "Hello.\n" + line + "\n");
    FooterResult result = Add(message);
    CHECK(result.placement == FooterPlacement::kAppendedToText);
    CHECK(GetFieldValue(result.message, "Content-Transfer-Encoding") == " quoted-printable");
    CHECK(LinesFit(result.message, 998));
    std::vector<DecodedPart> parts = LeafParts(result.message);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].bytes == Crlf("Hello.\n" + line + "\n" + kFooter));
  }
  SECTION("998 octets: 7bit, the old bytes kept") {
    const std::string line(998, 'a');
    std::string message = Crlf(head + line + "\n");
    FooterResult result = Add(message);
    CHECK(GetFieldValue(result.message, "Content-Transfer-Encoding") == " 7bit");
    CHECK(result.message == message + Crlf(kFooter));
  }
  SECTION("a footer line over 998 octets re-encodes a 7bit body too") {
    std::string message = Crlf(head + "Hello.\n");
    FooterResult result = Add(message, std::string(1200, 'f') + "\n");
    CHECK(GetFieldValue(result.message, "Content-Transfer-Encoding") == " quoted-printable");
    CHECK(LinesFit(result.message, 998));
  }
}

TEST_CASE("An empty footer changes nothing", "[footer]") {
  std::string message = Crlf(kHead + "\nbody\n");
  base::Result<FooterResult> result = AddFooter(message, "");
  REQUIRE(result.ok());
  CHECK(result->placement == FooterPlacement::kNone);
  CHECK(result->message == message);
}

TEST_CASE("No header/body separator is an Error (RFC 5322 §2.1)", "[footer]") {
  base::Result<FooterResult> result = AddFooter(Crlf("From: a@example.com\n"), kFooter);
  REQUIRE_FALSE(result.ok());
  CHECK_FALSE(result.error().empty());
}

}  // namespace
}  // namespace listd::mime
