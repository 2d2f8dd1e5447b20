// The header limit (pipeline/header_limit.h, hardening finding 12): fields
// are counted as RFC 5322 section 2.2 defines them, cheaply, and a header
// one field past the limit is refused while one at the limit is not.
#include <catch2/catch.hpp>

#include <string>

#include "listd/pipeline/header_limit.h"

namespace {

using listd::pipeline::CountHeaderFields;
using listd::pipeline::HeaderLimitProblem;

std::string HeaderOf(size_t fields) {
  std::string text;
  for (size_t i = 0; i < fields; ++i) text += "To: m" + std::to_string(i) + "\r\n";
  return text;
}

TEST_CASE("RFC 5322 2.2: header fields are counted by the lines that start them",
          "[header-limit]") {
  CHECK(CountHeaderFields("From: a\r\nSubject: one\r\n two\r\n\tthree\r\n\r\nTo: body\r\n", 100) ==
        2);  // folded lines continue a field; the body is not header
  CHECK(CountHeaderFields("From: a\nTo: b\n\nX: body\n", 100) == 2);  // bare LF as well
  CHECK(CountHeaderFields("From: a\r\nTo: b", 100) == 2);             // no body, no final CRLF
  CHECK(CountHeaderFields("\r\nFrom: body\r\n", 100) == 0);           // no header at all
  CHECK(CountHeaderFields("", 100) == 0);
  // It stops counting one past `stop_after`: a huge header costs no more.
  CHECK(CountHeaderFields(HeaderOf(100000) + "\r\nbody\r\n", 10) == 11);
}

TEST_CASE("a header at the limit passes and one field more is held", "[header-limit]") {
  CHECK_FALSE(HeaderLimitProblem(HeaderOf(1000) + "\r\nbody\r\n", 1000).has_value());
  auto problem = HeaderLimitProblem(HeaderOf(1001) + "\r\nbody\r\n", 1000);
  REQUIRE(problem.has_value());
  CHECK_THAT(*problem, Catch::Contains("more than 1000 fields"));
  CHECK_FALSE(HeaderLimitProblem(HeaderOf(5) + " folded\r\n folded\r\n\r\n", 5).has_value());
}

}  // namespace
