// Who may be answered (listd/pipeline/sender_auth.h): a return path is
// authenticated by a DKIM pass aligned with its domain (RFC 7489 section
// 3.1.1's relaxed rule) in our own results, or by a trusted upstream's
// spf=pass for it (RFC 8601 section 2.7.2); anything else would make a
// notice backscatter.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "listd/pipeline/sender_auth.h"

namespace {

using listd::pipeline::AuthenticateSender;

const std::string kBody = "From: a@example.org\r\n\r\nbody\r\n";

std::string Recorded(const std::string& results) {
  return "Authentication-Results: lists.example.org;\r\n\t" + results + "\r\n" + kBody;
}

dkim::AuthenticationResults Upstream(const std::string& value) {
  auto parsed = dkim::ParseAuthenticationResults(value);
  REQUIRE(parsed.ok());
  return *parsed;
}

TEST_CASE("sender auth: an aligned DKIM pass in our results authenticates the return path",
          "[sender_auth]") {
  const std::string pass = Recorded("dkim=pass header.d=example.org header.s=s1");
  auto v = AuthenticateSender("bounces@mail.example.org", pass, "lists.example.org", {});
  CHECK(v.authenticated);
  CHECK(v.detail == "DKIM d=example.org");
  // Another organizational domain, a failing signature, or results that
  // are not ours authenticate nothing.
  CHECK_FALSE(AuthenticateSender("x@other.org", pass, "lists.example.org", {}).authenticated);
  CHECK_FALSE(AuthenticateSender("x@example.org", Recorded("dkim=fail header.d=example.org"),
                                 "lists.example.org", {})
                  .authenticated);
  CHECK_FALSE(AuthenticateSender("x@example.org", pass, "mx.example.net", {}).authenticated);
  CHECK_FALSE(AuthenticateSender("x@example.org", kBody, "lists.example.org", {}).authenticated);
}

TEST_CASE("sender auth: a trusted upstream's SPF pass for the return path's domain",
          "[sender_auth]") {
  const std::string unsigned_post = Recorded("dkim=none");
  const std::vector<dkim::AuthenticationResults> spf = {
      Upstream("mx.example.net; spf=pass smtp.mailfrom=jane@example.org")};
  auto v = AuthenticateSender("jane@example.org", unsigned_post, "lists.example.org", spf);
  CHECK(v.authenticated);
  CHECK(v.detail == "SPF from mx.example.net");
  CHECK_FALSE(AuthenticateSender("jane@evil.example", unsigned_post, "lists.example.org", spf)
                  .authenticated);
  const std::vector<dkim::AuthenticationResults> softfail = {
      Upstream("mx.example.net; spf=softfail smtp.mailfrom=example.org")};
  CHECK_FALSE(AuthenticateSender("jane@example.org", unsigned_post, "lists.example.org", softfail)
                  .authenticated);
}

TEST_CASE("sender auth: a null return path is never answered", "[sender_auth]") {
  auto v =
      AuthenticateSender("", Recorded("dkim=pass header.d=example.org"), "lists.example.org", {});
  CHECK_FALSE(v.authenticated);
  CHECK(v.detail == "the return path is null");
}

}  // namespace

namespace {

using listd::pipeline::AuthenticateAuthor;
using listd::pipeline::AuthorAuthResult;

TEST_CASE("author auth: RFC 7489 section 3.1.1 relaxed alignment of our dkim=pass with From",
          "[sender_auth][author]") {
  auto v = AuthenticateAuthor("Example.ORG", Recorded("dkim=pass header.d=mail.example.org"),
                              "lists.example.org", {});
  CHECK(v.result == AuthorAuthResult::kAuthenticated);
  CHECK(v.detail == "DKIM d=mail.example.org");
  // Failing aligned signatures are named with their results, in order.
  v = AuthenticateAuthor("example.org",
                         Recorded("dkim=fail header.d=example.org;\r\n\t"
                                  "dkim=temperror header.d=a.example.org"),
                         "lists.example.org", {});
  CHECK(v.result == AuthorAuthResult::kFailed);
  CHECK(v.detail ==
        "From domain example.org not authenticated: dkim=fail (d=example.org), "
        "dkim=temperror (d=a.example.org)");
  // dkim=none and results of another authserv-id are no signature.
  v = AuthenticateAuthor("example.org", Recorded("dkim=none"), "lists.example.org", {});
  CHECK(v.result == AuthorAuthResult::kUnsigned);
  CHECK(AuthenticateAuthor("example.org", Recorded("dkim=pass header.d=example.org"),
                           "mx.example.net", {})
            .result == AuthorAuthResult::kUnsigned);
}

TEST_CASE("author auth: RFC 8601 section 2.7.6, a trusted dmarc=pass must name the From domain",
          "[sender_auth][author]") {
  const std::string none = Recorded("dkim=none");
  CHECK(AuthenticateAuthor("example.org", none, "lists.example.org",
                           {Upstream("mx.example.net; dmarc=pass header.from=EXAMPLE.org")})
            .result == AuthorAuthResult::kAuthenticated);
  // Without header.from the upstream did not say for which domain.
  CHECK(AuthenticateAuthor("example.org", none, "lists.example.org",
                           {Upstream("mx.example.net; dmarc=pass")})
            .result == AuthorAuthResult::kUnsigned);
  // A subdomain's dmarc=pass is not the parent's: DMARC already aligned it.
  CHECK(AuthenticateAuthor("example.org", none, "lists.example.org",
                           {Upstream("mx.example.net; dmarc=pass header.from=sub.example.org")})
            .result == AuthorAuthResult::kUnsigned);
}

}  // namespace
