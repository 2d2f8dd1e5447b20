// OrganizationalDomain through libpsl and Debian's public suffix list:
// RFC 7489 section 3.2 (and Appendix A.6.1 for the list).
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "dkim/organizational_domain.h"

namespace {

using dkim::IsPublicSuffix;
using dkim::OrganizationalDomain;

}  // namespace

TEST_CASE("Organizational domain: a public suffix list is loaded (section 3.2 step 1)",
          "[dmarc][orgdomain]") {
  CHECK(dkim::PublicSuffixListLoaded());
}

TEST_CASE("Organizational domain: one label more than the longest public suffix (section 3.2)",
          "[dmarc][orgdomain]") {
  CHECK(OrganizationalDomain("example.com") == "example.com");
  CHECK(OrganizationalDomain("a.b.c.d.example.com") == "example.com");  // the section's example
  CHECK(OrganizationalDomain("sub.example.co.uk") == "example.co.uk");
  CHECK(OrganizationalDomain("lists.example.org") == "example.org");
}

TEST_CASE("Organizational domain: wildcard and exception rules of the list", "[dmarc][orgdomain]") {
  // *.kawasaki.jp is a wildcard rule, !city.kawasaki.jp its exception.
  CHECK(OrganizationalDomain("a.b.kawasaki.jp") == "a.b.kawasaki.jp");
  CHECK(OrganizationalDomain("www.city.kawasaki.jp") == "city.kawasaki.jp");
}

TEST_CASE(
    "Organizational domain: a bare public suffix is its own, and aligns with nothing else "
    "(section 3.1.1: d=com)",
    "[dmarc][orgdomain]") {
  CHECK(IsPublicSuffix("com"));
  CHECK(IsPublicSuffix("co.uk"));
  CHECK_FALSE(IsPublicSuffix("example.co.uk"));
  CHECK(OrganizationalDomain("com") == "com");
  CHECK(OrganizationalDomain("co.uk") == "co.uk");
  CHECK(OrganizationalDomain("co.uk") != OrganizationalDomain("example.co.uk"));
  CHECK(OrganizationalDomain("") == "");
}

TEST_CASE("Organizational domain: case and the root dot do not matter (RFC 4343)",
          "[dmarc][orgdomain]") {
  CHECK(OrganizationalDomain("Mail.Example.CO.UK") == "example.co.uk");
  CHECK(OrganizationalDomain("mail.example.com.") == "example.com");
  CHECK(dkim::NormalizeDomainName("LISTS.Example.ORG.") == "lists.example.org");
}

TEST_CASE("Organizational domain: internationalized names (section 6.6.1 A-labels)",
          "[dmarc][orgdomain]") {
  // A-labels as DMARC uses them; xn--p1ai (.рф) is a public suffix.
  CHECK(OrganizationalDomain("mail.xn--mnchen-3ya.de") == "xn--mnchen-3ya.de");
  CHECK(OrganizationalDomain("www.example.xn--p1ai") == "example.xn--p1ai");
  CHECK(IsPublicSuffix("xn--p1ai"));
  CHECK(OrganizationalDomain("WWW.XN--MNCHEN-3YA.DE") == "xn--mnchen-3ya.de");
  // U-labels are lower-cased by libpsl and answered in UTF-8.
  CHECK(OrganizationalDomain("post.m\xc3\xbcnchen.de") == "m\xc3\xbcnchen.de");
  CHECK(OrganizationalDomain("POST.M\xc3\x9c"
                             "NCHEN.DE") == "m\xc3\xbcnchen.de");
  CHECK(IsPublicSuffix("\xd1\x80\xd1\x84"));  // рф
}

TEST_CASE("Organizational domain: safe from several threads at once (the list loads once)",
          "[dmarc][orgdomain]") {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        if (OrganizationalDomain("x" + std::to_string(i) + ".example.co.uk") != "example.co.uk") {
          ++wrong[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int w : wrong) CHECK(w == 0);
}
