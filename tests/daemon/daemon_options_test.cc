// listd's SMTP options (daemon_options.h): one timeout per step with RFC
// 5321 section 4.5.3.2's defaults, the deprecated --smtp-timeout, and the
// STARTTLS modes of RFC 3207.
#include "listd/daemon/daemon_options.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using listd::daemon::DaemonOptions;
using listd::daemon::ParseDaemonOptions;

base::Result<std::optional<DaemonOptions>> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "listd");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseDaemonOptions(static_cast<int>(argv.size()), argv.data());
}

DaemonOptions ParseOk(std::vector<std::string> args) {
  auto parsed = Parse(std::move(args));
  INFO((parsed.ok() ? std::string() : parsed.error()));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  return **parsed;
}

}  // namespace

TEST_CASE("RFC 5321 4.5.3.2: the SMTP step timeouts default to the RFC's values", "[options]") {
  const DaemonOptions o = ParseOk({});
  CHECK(o.smtp_connect_timeout_seconds == 300);
  CHECK(o.smtp_mail_timeout_seconds == 300);
  CHECK(o.smtp_rcpt_timeout_seconds == 300);
  CHECK(o.smtp_data_timeout_seconds == 120);
  CHECK(o.smtp_data_block_timeout_seconds == 180);
  CHECK(o.smtp_data_end_timeout_seconds == 600);
  CHECK(o.smtp_starttls == "opportunistic");
}

TEST_CASE("The deprecated --smtp-timeout sets every step timeout not given", "[options]") {
  const DaemonOptions o = ParseOk({"--smtp-timeout", "30", "--smtp-data-end-timeout", "900"});
  CHECK(o.smtp_connect_timeout_seconds == 30);
  CHECK(o.smtp_mail_timeout_seconds == 30);
  CHECK(o.smtp_rcpt_timeout_seconds == 30);
  CHECK(o.smtp_data_timeout_seconds == 30);
  CHECK(o.smtp_data_block_timeout_seconds == 30);
  CHECK(o.smtp_data_end_timeout_seconds == 900);  // given: kept
  CHECK_FALSE(Parse({"--smtp-mail-timeout", "0"}).ok());
}

TEST_CASE("RFC 3207: --smtp-starttls takes opportunistic, required or off", "[options]") {
  CHECK(ParseOk({"--smtp-starttls=off"}).smtp_starttls == "off");
  CHECK(ParseOk({"--smtp-starttls=required"}).smtp_starttls == "required");
  CHECK(ParseOk({"--smtp-starttls"}).smtp_starttls == "required");  // the old switch
  auto bad = Parse({"--smtp-starttls=maybe"});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("opportunistic, required or off"));
}
