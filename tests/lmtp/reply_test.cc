// Reply formatting: handler replies can never break the reply syntax.
#include "listd/lmtp/reply.h"

#include <catch2/catch.hpp>

namespace listd::lmtp {

TEST_CASE("RFC 2034 §3, RFC 3463 §2: a reply line carries its enhanced code", "[reply]") {
  CHECK(FormatReply({250, "2.1.5", "OK"}) == "250 2.1.5 OK\r\n");
  CHECK(FormatReply({550, "5.1.1", "No such list"}) == "550 5.1.1 No such list\r\n");
}

TEST_CASE("RFC 3463 §2: a missing or wrong-class enhanced code is replaced", "[reply]") {
  CHECK(FormatReply({250, "", "OK"}) == "250 2.0.0 OK\r\n");
  CHECK(FormatReply({550, "2.1.5", "no"}) == "550 5.0.0 no\r\n");
  CHECK(FormatReply({450, "4.x.1", "later"}) == "450 4.0.0 later\r\n");
  CHECK(FormatReply({550, "5.1234.1", "no"}) == "550 5.0.0 no\r\n");
}

TEST_CASE("RFC 5321 §4.2: invalid codes become 451 and text stays on one line", "[reply]") {
  CHECK(FormatReply({999, "9.9.9", "what"}).starts_with("451 4.3.0 "));
  CHECK(FormatReply({354, "", "go on"}).starts_with("451 4.3.0 "));
  CHECK(FormatReply({550, "5.7.1", "a\r\nb\tc"}) == "550 5.7.1 a  b c\r\n");
  CHECK(FormatReply({250, "2.0.0", ""}) == "250 2.0.0 OK\r\n");
  CHECK(FormatReply({250, "2.0.0", std::string(1000, 'x')}).size() == 400 + 12);
}

}  // namespace listd::lmtp
