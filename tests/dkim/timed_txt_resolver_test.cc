// TimedTxtResolver: answers are exactly the resolver's beneath, and the
// observer hears of each round that went beneath with its name count.
#include "dkim/timed_txt_resolver.h"

#include <catch2/catch.hpp>

#include <vector>

TEST_CASE("a timed resolver passes answers through and reports each round", "[dkim][dns]") {
  dkim::StaticTxtResolver table;
  table.Add("s._domainkey.example.org", "v=DKIM1; p=abc");
  std::vector<size_t> rounds;
  dkim::TimedTxtResolver timed(table, [&](size_t names, double seconds) {
    CHECK(seconds >= 0);
    rounds.push_back(names);
  });
  const dkim::TxtAnswer one = timed.LookupTxt("s._domainkey.example.org");
  CHECK(one.status == dkim::TxtAnswer::Status::kFound);
  const auto many = timed.LookupTxtMany({"s._domainkey.example.org", "_dmarc.example.org"});
  REQUIRE(many.size() == 2);
  CHECK(many[0].status == dkim::TxtAnswer::Status::kFound);
  CHECK(many[1].status == dkim::TxtAnswer::Status::kNoRecord);
  // No names, no round: nothing went beneath.
  CHECK(timed.LookupTxtMany({}).empty());
  CHECK(rounds == std::vector<size_t>{1, 2});
}
