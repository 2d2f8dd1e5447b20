// Retry and backoff (listd/delivery/retry.h), pure: RFC 5321 section
// 4.5.4.1 (back off, give up days after queueing), section 4.2.5 (4yz
// transient, 5yz permanent), and a transport that answered for fewer
// recipients than it was given.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "listd/delivery/retry.h"

namespace {

using listd::delivery::AttemptVerdict;
using listd::delivery::JudgeAttempt;
using listd::delivery::NextAttemptAt;
using listd::delivery::Outcome;
using listd::delivery::RetryPolicy;
using listd::delivery::SendResult;

constexpr int64_t kNow = 1800000000;

SendResult Answer(const std::vector<std::pair<std::string, Outcome>>& answers,
                  std::string error = "") {
  SendResult sent;
  sent.error = std::move(error);
  for (const auto& [recipient, outcome] : answers) {
    listd::delivery::RecipientResult r;
    r.recipient = recipient;
    r.outcome = outcome;
    r.reply = outcome == Outcome::kPermFail ? "550 5.1.1 no such user" : "451 4.3.0 later";
    sent.recipients.push_back(r);
  }
  return sent;
}

TEST_CASE(
    "delivery: RFC 5321 section 4.5.4.1, retries back off from retry_base doubling "
    "to retry_max",
    "[retry]") {
  RetryPolicy o;
  o.retry_base_seconds = 60;
  o.retry_max_seconds = 3600;
  CHECK(NextAttemptAt(o, 0, kNow) == kNow + 60);
  CHECK(NextAttemptAt(o, 1, kNow) == kNow + 120);
  CHECK(NextAttemptAt(o, 2, kNow) == kNow + 240);
  CHECK(NextAttemptAt(o, 3, kNow) == kNow + 480);
  CHECK(NextAttemptAt(o, 4, kNow) == kNow + 960);
  CHECK(NextAttemptAt(o, 5, kNow) == kNow + 1920);
  CHECK(NextAttemptAt(o, 6, kNow) == kNow + 3600);  // 3840 capped
  CHECK(NextAttemptAt(o, 7, kNow) == kNow + 3600);
  // Many attempts neither overflow nor exceed the cap.
  CHECK(NextAttemptAt(o, 1000, kNow) == kNow + 3600);
  CHECK(NextAttemptAt(o, INT32_MAX, kNow) == kNow + 3600);

  o.retry_base_seconds = 5;
  o.retry_max_seconds = 30;
  CHECK(NextAttemptAt(o, 0, 0) == 5);
  CHECK(NextAttemptAt(o, 2, 0) == 20);
  CHECK(NextAttemptAt(o, 3, 0) == 30);
}

TEST_CASE("retry: delivered leave, 4xx stay for backoff, 5xx bounce with the reply", "[retry]") {
  const RetryPolicy policy;
  const AttemptVerdict v = JudgeAttempt(
      {"a@x", "b@x", "c@x"},
      Answer(
          {{"a@x", Outcome::kDelivered}, {"b@x", Outcome::kTempFail}, {"c@x", Outcome::kPermFail}}),
      2, kNow - 600, kNow, policy);
  CHECK(v.delivered == 1);
  CHECK(v.deferred == std::vector<std::string>{"b@x"});
  REQUIRE(v.bounced.size() == 1);
  CHECK(v.bounced[0].first == "c@x");
  CHECK(v.bounced[0].second == "550 5.1.1 no such user");
  CHECK(v.retry_at == NextAttemptAt(policy, 2, kNow));
}

TEST_CASE("retry: a recipient the transport never answered for is tried again", "[retry]") {
  const AttemptVerdict v = JudgeAttempt({"a@x", "b@x"}, Answer({{"a@x", Outcome::kDelivered}}), 0,
                                        kNow, kNow, RetryPolicy{});
  CHECK(v.delivered == 1);
  CHECK(v.deferred == std::vector<std::string>{"b@x"});
  CHECK(v.bounced.empty());
}

TEST_CASE("retry: RFC 5321 section 4.5.4.1, past give_up_after what would wait bounces",
          "[retry]") {
  RetryPolicy policy;
  policy.give_up_after_seconds = 3600;
  const AttemptVerdict v =
      JudgeAttempt({"a@x"}, Answer({}, "connection refused"), 4, kNow - 3600, kNow, policy);
  CHECK(v.deferred.empty());
  CHECK(v.retry_at == 0);
  REQUIRE(v.bounced.size() == 1);
  CHECK(v.bounced[0].second == "gave up after 5 attempts: connection refused");
  CHECK(v.error == "connection refused");
  // One second earlier it would still wait.
  const AttemptVerdict inside =
      JudgeAttempt({"a@x"}, Answer({}, "connection refused"), 4, kNow - 3599, kNow, policy);
  CHECK(inside.deferred == std::vector<std::string>{"a@x"});
  CHECK(inside.bounced.empty());
}

}  // namespace

TEST_CASE(
    "delivery: a refusal of the message (5xx to MAIL or DATA) is no bounce; those recipients "
    "leave the batch as refused with the reply",
    "[retry]") {
  SendResult sent =
      Answer({{"a@x", Outcome::kRefused}, {"b@x", Outcome::kPermFail}, {"c@x", Outcome::kRefused}},
             "end of DATA: 554 5.7.1 spam");
  sent.recipients[0].reply = "554 5.7.1 spam";
  sent.recipients[2].reply = "554 5.7.1 spam";
  AttemptVerdict v = JudgeAttempt({"a@x", "b@x", "c@x"}, sent, 0, kNow, kNow, RetryPolicy{});
  CHECK(v.refused == std::vector<std::string>{"a@x", "c@x"});
  CHECK(v.refusal == "554 5.7.1 spam");
  REQUIRE(v.bounced.size() == 1);  // only the recipient refused at RCPT
  CHECK(v.bounced[0].first == "b@x");
  CHECK(v.deferred.empty());
}
