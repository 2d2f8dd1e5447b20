// The MIME part limit (pipeline/mime_part_limit.h, hardening finding 18):
// an upper bound on the parts read off the bytes, cheaply, that never
// falls below the real number; one part more than the limit is held.
#include <catch2/catch.hpp>

#include <string>

#include "listd/pipeline/mime_part_limit.h"

namespace {

using listd::pipeline::CountMimeParts;
using listd::pipeline::MimePartLimitProblem;

std::string Multipart(size_t parts, const std::string& boundary = "b") {
  std::string m =
      "From: a@example.org\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"" +
      boundary + "\"\r\n\r\npreamble\r\n";
  for (size_t i = 0; i < parts; ++i) {
    m += "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\npart " + std::to_string(i) + "\r\n";
  }
  return m + "--" + boundary + "--\r\nepilogue\r\n";
}

TEST_CASE("RFC 2046 5.1.1: parts are counted by their opening delimiters", "[mime-limit]") {
  CHECK(CountMimeParts("From: a\r\n\r\nplain text\r\n-- \r\nsignature\r\n", 100) == 1);
  CHECK(CountMimeParts(Multipart(3), 100) == 3);  // the close delimiter opens nothing
  // A token boundary, folded Content-Type, trailing blanks on a delimiter.
  CHECK(CountMimeParts("Content-Type: multipart/mixed;\r\n\tBOUNDARY=xyz\r\n\r\n--xyz  \r\n\r\n"
                       "a\r\n--xyz\r\n\r\nb\r\n--xyz--\r\n",
                       100) == 2);
  // Nested: the inner multipart's parts count as well as the outer's.
  const std::string nested =
      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\nx\r\n"
      "--inner\r\n\r\ny\r\n--inner--\r\n--outer\r\n\r\nz\r\n--outer--\r\n";
  CHECK(CountMimeParts(nested, 100) == 4);
  // Lines that start with "--" but name no declared boundary are text.
  CHECK(CountMimeParts(Multipart(2) + "--not-a-boundary\r\n--b-but-longer\r\n", 100) == 2);
  // It stops one past `stop_after`.
  CHECK(CountMimeParts(Multipart(50000), 10) == 11);
}

TEST_CASE("a post at the part limit passes and one part more is held", "[mime-limit]") {
  CHECK_FALSE(MimePartLimitProblem(Multipart(1000), 1000).has_value());
  auto problem = MimePartLimitProblem(Multipart(1001), 1000);
  REQUIRE(problem.has_value());
  CHECK_THAT(*problem, Catch::Contains("more than 1000 MIME parts"));
  // A big single attachment is two parts, whatever its size.
  std::string big = Multipart(1);
  big.insert(big.find("part 0"), std::string(1 << 20, 'A') + "\r\n");
  CHECK(CountMimeParts(big, 1000) == 1);
}

}  // namespace
