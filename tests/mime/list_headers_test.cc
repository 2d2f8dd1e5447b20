// list_headers: RFC 2919 List-Id and the RFC 2369 List-* URLs.
#include "listd/mime/list_headers.h"

#include <catch2/catch.hpp>

#include "listd/mime/gmime_support.h"

namespace listd::mime {
namespace {

const ListIdentity kDemo{"Demo list", "demo", "lists.example.org", ""};

TEST_CASE("List-* fields for a list (RFC 2369 §3, RFC 2919 §2)", "[list_headers]") {
  std::vector<std::pair<std::string, std::string>> expected = {
      {"List-Id", "Demo list <demo.lists.example.org>"},
      {"List-Post", "<mailto:demo@lists.example.org>"},
      {"List-Help", "<mailto:demo-request@lists.example.org?subject=help>"},
      {"List-Subscribe", "<mailto:demo-join@lists.example.org>"},
      {"List-Unsubscribe", "<mailto:demo-leave@lists.example.org>"},
      {"List-Owner", "<mailto:demo-owner@lists.example.org>"},
      {"Precedence", "list"},
  };
  CHECK(ListHeaderFields(kDemo) == expected);
}

TEST_CASE("List-Archive appears when the list has an archive (RFC 2369 §3.6)", "[list_headers]") {
  ListIdentity list = kDemo;
  list.archive_url = "https://lists.example.org/archives/demo";
  auto fields = ListHeaderFields(list);
  CHECK(fields[6] == std::make_pair(std::string("List-Archive"),
                                    std::string("<https://lists.example.org/archives/demo>")));
}

TEST_CASE("List-Id phrase is quoted or encoded when it must be (RFC 2919 §2, RFC 5322 §3.2.4)",
          "[list_headers]") {
  CHECK(ListIdValue({"", "demo", "lists.example.org", ""}) == "<demo.lists.example.org>");
  CHECK(ListIdValue({"Demo, the list", "demo", "Lists.Example.org", ""}) ==
        "\"Demo, the list\" <demo.lists.example.org>");
  CHECK(ListIdValue({"Say \"hi\"", "demo", "x.org", ""}) == "\"Say \\\"hi\\\"\" <demo.x.org>");
  std::string encoded = ListIdValue({"Café list", "cafe", "x.org", ""});
  CHECK(encoded.rfind("=?UTF-8?Q?", 0) == 0);
  CHECK(DecodeHeaderText(encoded) == "Café list <cafe.x.org>");
}

}  // namespace
}  // namespace listd::mime
