// FormTokens: the CSRF token belongs to one session; a timed token to one
// purpose, one browser and one window of time.
#include "web/form_tokens.h"

#include <catch2/catch.hpp>

TEST_CASE("a CSRF token is its session's alone", "[web][security]") {
  web::FormTokens tokens;
  const std::string a = tokens.CsrfFor("session-a");
  CHECK(tokens.IsCsrfOf(a, "session-a"));
  CHECK_FALSE(tokens.IsCsrfOf(a, "session-b"));
  CHECK_FALSE(tokens.IsCsrfOf("", ""));
  // Another server secret, another token.
  web::FormTokens other;
  CHECK_FALSE(other.IsCsrfOf(a, "session-a"));
}

TEST_CASE("a timed token checks purpose, binding and age", "[web][security]") {
  web::FormTokens tokens;
  const std::string token = tokens.Timed("subscribe", "b", 100);
  CHECK(tokens.CheckTimed(token, "subscribe", "b", 105, 3, 3600));
  CHECK_FALSE(tokens.CheckTimed(token, "subscribe", "b", 101, 3, 3600));
  CHECK_FALSE(tokens.CheckTimed(token, "subscribe", "b", 100 + 3601, 3, 3600));
  CHECK_FALSE(tokens.CheckTimed(token, "unsubscribe", "b", 105, 3, 3600));
  CHECK_FALSE(tokens.CheckTimed(token, "subscribe", "c", 105, 3, 3600));
  // The issue time is covered by the MAC: moving it back breaks it.
  std::string moved = "90" + token.substr(token.find('.'));
  CHECK_FALSE(tokens.CheckTimed(moved, "subscribe", "b", 105, 3, 3600));
  CHECK_FALSE(tokens.CheckTimed("garbage", "subscribe", "b", 105, 3, 3600));
}

TEST_CASE("random tokens are fresh each time", "[web][security]") {
  CHECK(web::FormTokens::RandomToken() != web::FormTokens::RandomToken());
  CHECK(web::FormTokens::RandomToken(32).size() == 43);
}
