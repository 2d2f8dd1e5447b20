// The router: mail for each of a list's addresses goes to the handler of
// its kind (listd/inbound/router.h), and every role has one.
#include <catch2/catch.hpp>
#include <string>

#include "listd/inbound/router.h"

namespace {

using listd::inbound::Handler;
using listd::inbound::Handlers;
using listd::inbound::Router;
using listd::service::AddressRole;

// A handler that only counts its calls.
class Counting : public Handler {
 public:
  int calls = 0;
  base::Result<listd::service::PostOutcome> Handle(listd::service::PostInHand&,
                                                   const std::string&) override {
    ++calls;
    return listd::service::PostOutcome{};
  }
};

TEST_CASE("router: each address role goes to the handler of its kind", "[router]") {
  Counting posts, owners, bounces, commands, subscriptions, confirmations;
  const Router router(
      Handlers{&posts, &owners, &bounces, &commands, &subscriptions, &confirmations});
  struct Row {
    AddressRole role;
    Handler* expected;
  };
  const Row rows[] = {
      {AddressRole::kPost, &posts},
      {AddressRole::kOwner, &owners},
      {AddressRole::kBounces, &bounces},
      {AddressRole::kRequest, &commands},
      {AddressRole::kJoin, &subscriptions},
      {AddressRole::kLeave, &subscriptions},
      {AddressRole::kConfirm, &confirmations},
  };
  for (const Row& row : rows) {
    INFO(listd::service::ToString(row.role));
    CHECK(&router.For(row.role) == row.expected);
  }
}

TEST_CASE("router: a handler chosen is the one that handles", "[router]") {
  Counting posts, owners, bounces, commands, subscriptions, confirmations;
  const Router router(
      Handlers{&posts, &owners, &bounces, &commands, &subscriptions, &confirmations});
  listd::service::PostInHand post;
  REQUIRE(router.For(AddressRole::kBounces).Handle(post, "").ok());
  REQUIRE(router.For(AddressRole::kJoin).Handle(post, "").ok());
  REQUIRE(router.For(AddressRole::kLeave).Handle(post, "").ok());
  CHECK(posts.calls == 0);
  CHECK(owners.calls == 0);
  CHECK(bounces.calls == 1);
  CHECK(commands.calls == 0);
  CHECK(subscriptions.calls == 2);
}

}  // namespace
