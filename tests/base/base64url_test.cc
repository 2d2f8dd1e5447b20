// Base64Url: RFC 4648 section 10's test vectors in the URL-safe alphabet
// of section 5, unpadded, and the two characters where it differs.
#include "base/base64url.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string Encoded(const std::string& text) {
  return base::Base64Url(reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

}  // namespace

TEST_CASE("base64url gives RFC 4648's vectors without padding", "[base][base64url]") {
  CHECK(Encoded("") == "");
  CHECK(Encoded("f") == "Zg");
  CHECK(Encoded("fo") == "Zm8");
  CHECK(Encoded("foo") == "Zm9v");
  CHECK(Encoded("foob") == "Zm9vYg");
  CHECK(Encoded("fooba") == "Zm9vYmE");
  CHECK(Encoded("foobar") == "Zm9vYmFy");
  // 62 and 63 are '-' and '_' (section 5), where base64 has '+' and '/'.
  const unsigned char high[] = {0xfb, 0xff};
  CHECK(base::Base64Url(high, sizeof high) == "-_8");
}
