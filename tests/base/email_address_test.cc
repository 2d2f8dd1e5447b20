// base::EmailAddress::Parse: the addr-spec forms a member import holds
// (RFC 5322 section 3.4.1, dot-atom only) and the length limits of RFC 5321
// section 4.5.3.1.
#include "base/email_address.h"

#include <catch2/catch.hpp>

#include <string>

using base::EmailAddress;

namespace {

// The error of a parse expected to fail ("" when it unexpectedly succeeded).
std::string ErrorOf(std::string_view text) {
  base::Result<EmailAddress> parsed = EmailAddress::Parse(text);
  return parsed ? std::string() : parsed.error();
}

}  // namespace

TEST_CASE("RFC 5322 3.4.1: a plain addr-spec splits at the '@'", "[email_address]") {
  base::Result<EmailAddress> parsed = EmailAddress::Parse("joe.bloggs+lists@example.org");
  REQUIRE(parsed.ok());
  CHECK(parsed->local_part == "joe.bloggs+lists");
  CHECK(parsed->domain == "example.org");
  CHECK(parsed->display_name.empty());
  CHECK(parsed->ToString() == "joe.bloggs+lists@example.org");
}

TEST_CASE("RFC 5321 2.4: the domain is lower-cased, the local part kept as given",
          "[email_address]") {
  base::Result<EmailAddress> parsed = EmailAddress::Parse("Joe@Example.ORG");
  REQUIRE(parsed.ok());
  CHECK(parsed->local_part == "Joe");
  CHECK(parsed->domain == "example.org");
  CHECK(*parsed == *EmailAddress::Parse("Joe@example.org"));
  CHECK_FALSE(*parsed == *EmailAddress::Parse("joe@example.org"));
}

TEST_CASE("surrounding whitespace is ignored", "[email_address]") {
  base::Result<EmailAddress> parsed = EmailAddress::Parse(" \tjoe@example.org \r");
  REQUIRE(parsed.ok());
  CHECK(parsed->ToString() == "joe@example.org");
}

TEST_CASE("RFC 5322 3.4: name-addr gives the display name", "[email_address]") {
  base::Result<EmailAddress> parsed = EmailAddress::Parse("Joe Bloggs <Joe@Example.org>");
  REQUIRE(parsed.ok());
  CHECK(parsed->display_name == "Joe Bloggs");
  CHECK(parsed->local_part == "Joe");
  CHECK(parsed->domain == "example.org");

  base::Result<EmailAddress> bare = EmailAddress::Parse("<joe@example.org>");
  REQUIRE(bare.ok());
  CHECK(bare->display_name.empty());
  CHECK(bare->ToString() == "joe@example.org");
}

TEST_CASE("RFC 5322 3.2.4: a quoted display name loses its quotes", "[email_address]") {
  base::Result<EmailAddress> parsed = EmailAddress::Parse("\"Bloggs, Joe\" <joe@example.org>");
  REQUIRE(parsed.ok());
  CHECK(parsed->display_name == "Bloggs, Joe");
  CHECK(parsed->ToString() == "joe@example.org");
}

TEST_CASE("an address without '@' is refused, naming the text", "[email_address]") {
  CHECK(ErrorOf("joe.example.org") == "no '@' in 'joe.example.org'");
  CHECK(ErrorOf("Joe <joe.example.org>") == "no '@' in 'joe.example.org'");
  CHECK(ErrorOf("").find("no '@'") != std::string::npos);
}

TEST_CASE("RFC 5322 3.4.1: a local part that is no dot-atom is refused", "[email_address]") {
  for (const char* text :
       {"@example.org", ".joe@example.org", "joe.@example.org", "jo..e@example.org",
        "jo e@example.org", "jo(e)@example.org", "\"joe\"@example.org", "jo\"e@example.org"}) {
    INFO(text);
    CHECK(ErrorOf(text).find("invalid local part") != std::string::npos);
  }
}

TEST_CASE("a domain that is no host name is refused", "[email_address]") {
  for (const char* text : {"joe@", "joe@example", "joe@.example.org", "joe@example.org.",
                           "joe@exa..mple.org", "joe@-example.org", "joe@example-.org",
                           "joe@exa_mple.org", "joe@[192.0.2.1]", "joe@exa mple.org"}) {
    INFO(text);
    CHECK(ErrorOf(text).find("invalid domain") != std::string::npos);
  }
}

TEST_CASE("RFC 5321 4.5.3.1: over-long parts are refused", "[email_address]") {
  const std::string local64(64, 'a');
  CHECK(EmailAddress::Parse(local64 + "@example.org").ok());
  CHECK(ErrorOf(local64 + "a@example.org").find("invalid local part") != std::string::npos);

  const std::string label63(63, 'b');
  CHECK(EmailAddress::Parse("joe@" + label63 + ".org").ok());
  CHECK(ErrorOf("joe@" + label63 + "b.org").find("invalid domain") != std::string::npos);

  // Four labels of 63 and the dots make 255 octets, beyond a host name.
  const std::string long_domain = label63 + "." + label63 + "." + label63 + "." + label63;
  CHECK(ErrorOf("joe@" + long_domain).find("invalid domain") != std::string::npos);
}

TEST_CASE("an unclosed angle bracket is refused", "[email_address]") {
  CHECK(ErrorOf("Joe <joe@example.org").find("without a closing '>'") != std::string::npos);
}
