// subject_tag: the tag goes in front once, and encoded subjects stay valid.
#include "listd/mime/subject_tag.h"

#include <catch2/catch.hpp>

#include "listd/mime/gmime_support.h"

namespace listd::mime {
namespace {

std::string Decoded(const std::string& raw) {
  std::string text = DecodeHeaderText(raw);
  return text.substr(text.find_first_not_of(' '));
}

TEST_CASE("The tag goes at the very front, before Re: (Mailman 3)", "[subject]") {
  CHECK(TagSubject(" hi", "[demo]") == " [demo] hi");
  CHECK(TagSubject(" Re: hi", "[demo]") == " [demo] Re: hi");
  CHECK(TagSubject("hi", "[demo]") == " [demo] hi");
  CHECK(TagSubject(" hi", "") == " hi");
}

TEST_CASE("A subject already tagged is never tagged twice", "[subject]") {
  for (const char* raw :
       {" [demo] hi", " Re: [demo] hi", " Re: Re: [demo] x", " AW: [demo] x", " re: [DEMO] x"}) {
    CHECK(TagSubject(raw, "[demo]") == raw);
  }
  std::string once = TagSubject(" hi", "[demo]");
  CHECK(TagSubject(once, "[demo]") == once);
  // An encoded subject that decodes to a tagged one counts as tagged too.
  CHECK(TagSubject(" =?UTF-8?Q?Re:_[demo]_caf=C3=A9?=", "[demo]") ==
        " =?UTF-8?Q?Re:_[demo]_caf=C3=A9?=");
}

TEST_CASE("UTF-8 B encoded-word subject decodes to the tag and the text (RFC 2047 §5(1))",
          "[subject]") {
  // "Grüße aus Köln"
  std::string raw = " =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=";
  std::string tagged = TagSubject(raw, "[demo]");
  CHECK(tagged == " [demo] =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=");
  CHECK(Decoded(tagged) == "[demo] Grüße aus Köln");
}

TEST_CASE("ISO-8859-1 Q encoded-word subject decodes to the tag and the text (RFC 2047 §4.2)",
          "[subject]") {
  std::string raw = " Re: =?iso-8859-1?Q?caf=E9_cr=E8me?=";
  std::string tagged = TagSubject(raw, "[demo]");
  CHECK(Decoded(tagged) == "[demo] Re: café crème");
}

TEST_CASE("A non-ASCII tag is itself encoded (RFC 2047 §5(1), §6.2)", "[subject]") {
  std::string plain = TagSubject(" hello", "[démo]");
  CHECK(plain.find("=?UTF-8?Q?") != std::string::npos);
  CHECK(Decoded(plain) == "[démo] hello");
  // Before another encoded-word the space must survive §6.2's rule.
  std::string encoded = TagSubject(" =?UTF-8?B?w6ljb2xl?=", "[démo]");
  CHECK(Decoded(encoded) == "[démo] école");
}

TEST_CASE("A long subject is folded at the tag's space (RFC 5322 §2.1.1, §2.2.3)", "[subject]") {
  std::string words(70, 'x');
  std::string tagged = TagSubject(" " + words, "[demo]");
  CHECK(tagged == " [demo]\r\n " + words);
  CHECK(Decoded(tagged) == "[demo] " + words);
  // Every line stays within 78 when the original did.
  size_t first = tagged.find("\r\n");
  CHECK(8 + first <= 78);
}

TEST_CASE("A post without Subject gets \"[tag] (no subject)\"", "[subject]") {
  CHECK(SubjectForMissing("[demo]") == " [demo] (no subject)");
  CHECK(SubjectForMissing("") == " (no subject)");
}

}  // namespace
}  // namespace listd::mime
