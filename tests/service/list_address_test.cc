// Classification of list local parts (post, -request, ..., VERP bounces).
#include "listd/service/list_address.h"

#include <catch2/catch.hpp>

namespace listd::service {

TEST_CASE("list address: the plain local part is a post", "[list_address]") {
  auto c = ClassifyLocalPart("demo");
  REQUIRE(c.size() == 1);
  CHECK(c[0].list_local_part == "demo");
  CHECK(c[0].role == AddressRole::kPost);
  CHECK(c[0].verp_recipient.empty());
  CHECK(ClassifyLocalPart("").empty());
}

TEST_CASE("list address: role suffixes, most specific reading first", "[list_address]") {
  struct Case {
    const char* local;
    AddressRole role;
  };
  for (Case tc :
       {Case{"demo-request", AddressRole::kRequest}, Case{"demo-join", AddressRole::kJoin},
        Case{"demo-leave", AddressRole::kLeave}, Case{"demo-owner", AddressRole::kOwner},
        Case{"demo-bounces", AddressRole::kBounces}}) {
    INFO(tc.local);
    auto c = ClassifyLocalPart(tc.local);
    REQUIRE(c.size() == 2);
    CHECK(c[0].list_local_part == "demo");
    CHECK(c[0].role == tc.role);
    // A list may itself be called "demo-request": the post reading follows.
    CHECK(c[1].list_local_part == tc.local);
    CHECK(c[1].role == AddressRole::kPost);
  }
}

TEST_CASE("list address: suffixes match case-insensitively, names come back lower case",
          "[list_address]") {
  auto c = ClassifyLocalPart("Demo-REQUEST");
  REQUIRE(c.size() == 2);
  CHECK(c[0].list_local_part == "demo");
  CHECK(c[0].role == AddressRole::kRequest);
  CHECK(c[1].list_local_part == "demo-request");
}

TEST_CASE("list address: a bare suffix names no list", "[list_address]") {
  auto c = ClassifyLocalPart("-request");
  REQUIRE(c.size() == 1);
  CHECK(c[0].role == AddressRole::kPost);
  CHECK(c[0].list_local_part == "-request");
}

TEST_CASE("list address: hyphenated list names keep their hyphens", "[list_address]") {
  auto c = ClassifyLocalPart("dev-team-owner");
  REQUIRE(c.size() == 2);
  CHECK(c[0].list_local_part == "dev-team");
  CHECK(c[0].role == AddressRole::kOwner);
}

TEST_CASE("list address: VERP bounces carry the member's address", "[list_address]") {
  auto c = ClassifyLocalPart("demo-bounces+alice=example.org");
  REQUIRE(c.size() == 1);
  CHECK(c[0].list_local_part == "demo");
  CHECK(c[0].role == AddressRole::kBounces);
  CHECK(c[0].verp_recipient == "alice@example.org");

  // The member's own "+" and "=" survive; the domain follows the last "=";
  // the member keeps its case.
  c = ClassifyLocalPart("Demo-Bounces+Bob+tag=x=mail.example.net");
  REQUIRE(c.size() == 1);
  CHECK(c[0].list_local_part == "demo");
  CHECK(c[0].verp_recipient == "Bob+tag=x@mail.example.net");
}

TEST_CASE("list address: a malformed VERP part is still a bounce for the list", "[list_address]") {
  for (const char* local : {"demo-bounces+garbage", "demo-bounces+=example.org",
                            "demo-bounces+alice=", "demo-bounces+"}) {
    INFO(local);
    auto c = ClassifyLocalPart(local);
    REQUIRE(c.size() == 1);
    CHECK(c[0].list_local_part == "demo");
    CHECK(c[0].role == AddressRole::kBounces);
    CHECK(c[0].verp_recipient.empty());
  }
}

TEST_CASE("list address: role names", "[list_address]") {
  CHECK(ToString(AddressRole::kPost) == "post");
  CHECK(ToString(AddressRole::kRequest) == "request");
  CHECK(ToString(AddressRole::kJoin) == "join");
  CHECK(ToString(AddressRole::kLeave) == "leave");
  CHECK(ToString(AddressRole::kOwner) == "owner");
  CHECK(ToString(AddressRole::kBounces) == "bounces");
}

}  // namespace listd::service
