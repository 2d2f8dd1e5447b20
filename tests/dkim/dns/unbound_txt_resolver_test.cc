// UnboundTxtResolver against a real unbound on 127.0.0.1 (ctest starts it
// with tests/support/dns_server.py and tests/dkim/dns/records.tsv, and exports
// LISTD_TEST_DNS=127.0.0.1:PORT). Without that variable every test fails:
// a DNS test that silently skips proves nothing.
#include "dkim/unbound_txt_resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using dkim::TxtAnswer;
using dkim::UnboundOptions;
using dkim::UnboundTxtResolver;
using Status = TxtAnswer::Status;

// The 2048-bit RSA key of long._domainkey / split._domainkey in records.tsv.
const char kLongKey[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo1GutKt3Y/Ri9+r7QvZGjwKDDvQNUV5dE7HtV4Ez6VUF"
    "wET6PQgCHz/Ex3rlCkIq2TbtAQowm1fy+cHpbVga8SeZm2brTNzylbY9oDaVa7f5XvmutA6gdVyVZTrTr50uxv85"
    "xewOSs402zf4mCiuAGtnb3fcIoWBY6lCBHP4d4SbaaNwY/96sK5sSuBmaBwC0pSNSk9Pa+a5Ny6CN5FA/O+Yrx5H"
    "e9uW+ydAkxgbDf/W/rY6Lfkf1DYzSNKpUIN2Ifxbnu6zAbHg1CDbqm0feZ1AM3mQnOqIbeRB581nfqsrpP+F23um"
    "Bk6n1JjStp1rgG1AYaIUflhj302lDGeAcwIDAQAB";

// "127.0.0.1:PORT" of the test server; fails the test when absent.
std::string TestDns() {
  const char* value = std::getenv("LISTD_TEST_DNS");
  if (value == nullptr || *value == '\0') {
    FAIL(
        "LISTD_TEST_DNS is not set: run dns_tests through ctest or "
        "tests/support/dns_server.py --records tests/dkim/dns/records.tsv -- dns_tests");
  }
  return value;
}

std::unique_ptr<UnboundTxtResolver> MakeResolver(const std::string& forwarder,
                                                 int timeout_ms = 5000) {
  UnboundOptions options;
  options.forwarder = forwarder;
  options.timeout_ms = timeout_ms;
  auto resolver = UnboundTxtResolver::Create(options);
  INFO((resolver.ok() ? std::string() : resolver.error()));
  REQUIRE(resolver.ok());
  return std::move(resolver).value();
}

long long MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// A UDP socket on 127.0.0.1 that receives queries and never answers them:
// a DNS server that has stopped responding.
class SilentServer {
 public:
  SilentServer() : fd_(socket(AF_INET, SOCK_DGRAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace

TEST_CASE("RFC 6376 3.6.2.2: a one-string TXT record is returned as is", "[dns]") {
  auto dns = MakeResolver(TestDns());
  TxtAnswer answer = dns->LookupTxt("single._domainkey.example.com");
  INFO(answer.error);
  REQUIRE(answer.status == Status::kFound);
  REQUIRE(answer.records ==
          std::vector<std::string>{
              "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="});
  // dns_server.py serves its records with TTL 300; libunbound passes it on.
  CHECK(answer.ttl > 0);
  CHECK(answer.ttl <= 300);
  CHECK_FALSE(answer.dnssec_secure);
  CHECK_FALSE(answer.dnssec_bogus);
  CHECK(answer.error.empty());
}

TEST_CASE("RFC 6376 3.6.2.2: the strings of a TXT record over 255 bytes are joined", "[dns]") {
  auto dns = MakeResolver(TestDns());
  const std::string expected = std::string("v=DKIM1; k=rsa; p=") + kLongKey;
  REQUIRE(expected.size() > 255);

  SECTION("split by the server every 255 bytes") {
    TxtAnswer answer = dns->LookupTxt("long._domainkey.example.com");
    REQUIRE(answer.status == Status::kFound);
    REQUIRE(answer.records == std::vector<std::string>{expected});
  }
  SECTION("split by hand inside a tag, without any added space") {
    TxtAnswer answer = dns->LookupTxt("split._domainkey.example.com");
    REQUIRE(answer.status == Status::kFound);
    REQUIRE(answer.records == std::vector<std::string>{expected});
  }
}

TEST_CASE("RFC 1035 3.3.14: each of several TXT records at a name is returned", "[dns]") {
  auto dns = MakeResolver(TestDns());
  TxtAnswer answer = dns->LookupTxt("two.example.com");
  REQUIRE(answer.status == Status::kFound);
  REQUIRE(answer.records.size() == 2);
  // RRset order is not defined (RFC 2181 5): compare as a set.
  CHECK_THAT(answer.records, Catch::Matchers::UnorderedEquals(
                                 std::vector<std::string>{"v=spf1 -all", "v=DKIM1; p="}));
}

TEST_CASE("RFC 1035 3.3.14: a TXT record of one empty string is found, empty", "[dns]") {
  auto dns = MakeResolver(TestDns());
  TxtAnswer answer = dns->LookupTxt("empty.example.com");
  REQUIRE(answer.status == Status::kFound);
  REQUIRE(answer.records == std::vector<std::string>{""});
}

TEST_CASE("RFC 6376 6.1.2: NXDOMAIN and NODATA are 'no record'", "[dns]") {
  auto dns = MakeResolver(TestDns());
  for (const char* name : {"absent._domainkey.example.com", "gone._domainkey.example.com",
                           "nodata.example.com", "example.org"}) {
    INFO(name);
    TxtAnswer answer = dns->LookupTxt(name);
    CHECK(answer.status == Status::kNoRecord);
    CHECK(answer.records.empty());
  }
}

TEST_CASE("RFC 4343: names match case-insensitively, with or without the root dot", "[dns]") {
  auto dns = MakeResolver(TestDns());
  for (const char* name : {"SINGLE._DomainKey.Example.COM", "single._domainkey.example.com."}) {
    INFO(name);
    TxtAnswer answer = dns->LookupTxt(name);
    REQUIRE(answer.status == Status::kFound);
    CHECK(answer.records.size() == 1);
  }
}

TEST_CASE("RFC 6376 6.1.2: SERVFAIL is a temporary failure", "[dns]") {
  auto dns = MakeResolver(TestDns(), 3000);
  TxtAnswer answer = dns->LookupTxt("servfail.example.com");
  CHECK(answer.status == Status::kTempFail);
  CHECK(answer.records.empty());
  CHECK_FALSE(answer.error.empty());
}

TEST_CASE("RFC 6376 6.1.2: a server that does not answer is a temporary failure within the timeout",
          "[dns]") {
  using Clock = std::chrono::steady_clock;

  SECTION("the server drops the query for one name") {
    auto dns = MakeResolver(TestDns(), 500);
    Clock::time_point start = Clock::now();
    TxtAnswer answer = dns->LookupTxt("timeout1.example.com");
    long long elapsed = MillisecondsSince(start);
    CHECK(answer.status == Status::kTempFail);
    CHECK_THAT(answer.error, Catch::Matchers::Contains("timeout"));
    // The deadline is ours: libunbound alone would retry for much longer.
    CHECK(elapsed >= 450);
    CHECK(elapsed < 3000);
    // The same resolver still answers afterwards.
    CHECK(dns->LookupTxt("single._domainkey.example.com").status == Status::kFound);
  }
  SECTION("the forwarder itself is silent") {
    SilentServer silent;
    auto dns = MakeResolver(silent.address(), 500);
    Clock::time_point start = Clock::now();
    TxtAnswer answer = dns->LookupTxt("single._domainkey.example.com");
    long long elapsed = MillisecondsSince(start);
    CHECK(answer.status == Status::kTempFail);
    CHECK(elapsed < 3000);
  }
}

TEST_CASE("LookupTxtMany resolves several names concurrently, answers in order", "[dns]") {
  using Clock = std::chrono::steady_clock;
  auto dns = MakeResolver(TestDns(), 800);
  const std::vector<std::string> names = {
      "single._domainkey.example.com", "timeout1.example.com", "long._domainkey.example.com",
      "timeout2.example.com",          "absent.example.com",   "timeout3.example.com",
      "servfail.example.com",          "two.example.com"};
  Clock::time_point start = Clock::now();
  std::vector<TxtAnswer> answers = dns->LookupTxtMany(names);
  long long elapsed = MillisecondsSince(start);

  REQUIRE(answers.size() == names.size());
  CHECK(answers[0].status == Status::kFound);
  CHECK(answers[1].status == Status::kTempFail);
  REQUIRE(answers[2].status == Status::kFound);
  CHECK(answers[2].records ==
        std::vector<std::string>{std::string("v=DKIM1; k=rsa; p=") + kLongKey});
  CHECK(answers[3].status == Status::kTempFail);
  CHECK(answers[4].status == Status::kNoRecord);
  CHECK(answers[5].status == Status::kTempFail);
  CHECK(answers[6].status == Status::kTempFail);
  CHECK(answers[7].status == Status::kFound);
  // Three names time out, yet the whole call takes one deadline, not three.
  CHECK(elapsed < 3 * 800);

  SECTION("an empty list is answered at once") { CHECK(dns->LookupTxtMany({}).empty()); }
}

TEST_CASE("Malformed names are permanent failures, not queries", "[dns]") {
  auto dns = MakeResolver(TestDns());
  const std::string long_label(64, 'a');
  for (const std::string& name :
       {std::string(""), std::string("."), std::string("a..example.com"),
        long_label + ".example.com", std::string("sel._domainkey.exa mple.com"),
        std::string("sel\\.x.example.com")}) {
    INFO(name);
    TxtAnswer answer = dns->LookupTxt(name);
    CHECK(answer.status == Status::kPermFail);
    CHECK_FALSE(answer.error.empty());
  }
  // A bad name among good ones spoils only its own answer.
  std::vector<TxtAnswer> answers = dns->LookupTxtMany({"a..b", "single._domainkey.example.com"});
  CHECK(answers[0].status == Status::kPermFail);
  CHECK(answers[1].status == Status::kFound);
}

TEST_CASE("Create rejects a bad forwarder, timeout or trust anchor file", "[dns]") {
  for (const char* forwarder : {"dns.example.com", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:53x",
                                "127.0.0.1@", "300.0.0.1", "[::1", "[::1]x53", "127.0.0.1:53:53"}) {
    INFO(forwarder);
    UnboundOptions options;
    options.forwarder = forwarder;
    auto resolver = UnboundTxtResolver::Create(options);
    CHECK_FALSE(resolver.ok());
    if (!resolver.ok()) CHECK_THAT(resolver.error(), Catch::Matchers::Contains(forwarder));
  }

  UnboundOptions zero;
  zero.forwarder = TestDns();
  zero.timeout_ms = 0;
  CHECK_FALSE(UnboundTxtResolver::Create(zero).ok());

  UnboundOptions anchor;
  anchor.forwarder = TestDns();
  anchor.trust_anchor_file = "/nonexistent/listd-root.key";
  CHECK_FALSE(UnboundTxtResolver::Create(anchor).ok());
}

TEST_CASE("The forwarder spellings all reach the server", "[dns]") {
  const std::string address = TestDns();  // 127.0.0.1:PORT
  const std::string port = address.substr(address.find(':') + 1);
  for (const std::string& forwarder : {"127.0.0.1:" + port, "127.0.0.1@" + port}) {
    INFO(forwarder);
    auto dns = MakeResolver(forwarder);
    CHECK(dns->LookupTxt("single._domainkey.example.com").status == Status::kFound);
  }
  CHECK(dkim::ParseForwarder("::1").value() == "::1@53");
  CHECK(dkim::ParseForwarder("[::1]:5353").value() == "::1@5353");
  CHECK(dkim::ParseForwarder("192.0.2.1").value() == "192.0.2.1@53");
}
