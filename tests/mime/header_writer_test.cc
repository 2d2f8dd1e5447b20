// The header writer's rule (listd/mime/header_edit.cc): no field it adds or
// rewrites may hold a line break that is not a fold (RFC 5322 section
// 2.2.3), NUL or another control character (section 3.2.5; a generator
// never writes the obsolete ones, section 4), or a name that is no field
// name (section 3.6.8). This is the class of bug behind a list name of
// "Evil\r\nBcc: x" putting a Bcc: line in every copy, caught where every
// decoration writes, so no future setting can do it again.
#include <catch2/catch.hpp>
#include <string>

#include "listd/mime/decorator.h"
#include "listd/mime/header_edit.h"
#include "listd/mime/list_headers.h"
#include "tests/mime/mime_test_support.h"

namespace listd::mime {
namespace {

const std::string kPost = "From: Jane <jane@example.org>\r\nSubject: hello\r\n\r\nbody\r\n";

TEST_CASE("header writer: a value with CR, LF or control bytes is refused, nothing written",
          "[header_writer]") {
  for (const std::string& value :
       {std::string("Evil\r\nBcc: victim@example.org"), std::string("one\nBcc: x"),
        std::string("one\rtwo"), std::string("esc \x1b]0;pwned\x07"), std::string("nul\0x", 5),
        std::string("del\x7f"), std::string("ends in a fold\r\n")}) {
    INFO(testing::Crlf(value));
    auto prepended = PrependFields(kPost, {{"List-Id", value}});
    REQUIRE_FALSE(prepended.ok());
    CHECK(prepended.kind() == base::ErrorKind::kInvalid);
    CHECK_FALSE(AppendFields(kPost, {{"Reply-To", value}}).ok());
    CHECK_FALSE(ReplaceFieldValue(kPost, "Subject", " " + value).ok());
  }
}

TEST_CASE("header writer: folds, tabs and UTF-8 are written as given", "[header_writer]") {
  auto folded = PrependFields(kPost, {{"List-Id", "A long\r\n name <demo.lists.example.org>"},
                                      {"X-Tab", "a\tb"},
                                      {"X-Utf8", "caf\xc3\xa9"}});
  REQUIRE(folded.ok());
  CHECK(folded->rfind("List-Id: A long\r\n name <demo.lists.example.org>\r\nX-Tab: a\tb\r\n", 0) ==
        0);
}

TEST_CASE("header writer: a name must be a field name", "[header_writer]") {
  for (const char* name : {"", "Bcc: x", "Has space", "Ta\tb", "Colon:"}) {
    INFO(name);
    CHECK_FALSE(AppendFields(kPost, {{name, "v"}}).ok());
  }
  CHECK(CheckField("List-Unsubscribe-Post", "List-Unsubscribe=One-Click").ok());
}

TEST_CASE("header writer: a list name with a line break never becomes a header field",
          "[header_writer]") {
  Decoration decoration;
  decoration.list.name = "Evil\r\nBcc: victim@example.org";
  decoration.list.local_part = "demo";
  decoration.list.domain = "lists.example.org";
  decoration.add_list_headers = true;
  auto decorated = Decorate(kPost, decoration);
  REQUIRE_FALSE(decorated.ok());
  CHECK_THAT(decorated.error(), Catch::Contains("List-Id"));
  // An escape sequence in the name is refused the same way.
  decoration.list.name = "Demo \x1b[2J";
  CHECK_FALSE(Decorate(kPost, decoration).ok());
  // A UTF-8 name is written as an RFC 2047 encoded-word.
  decoration.list.name = "D\xc3\xa9mo";
  auto encoded = Decorate(kPost, decoration);
  REQUIRE(encoded.ok());
  CHECK_THAT(encoded->message, Catch::Contains("List-Id: =?UTF-8?Q?D=C3=A9mo?= <demo."));
}

}  // namespace
}  // namespace listd::mime
