// Activity: the daemon's counters as /metrics writes them: every post
// action has its series from the start (0), recipients add up by result,
// and the DNS histogram's buckets are cumulative with +Inf equal to the
// count (Prometheus' histogram rules).
#include "listd/daemon/activity.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "web/metrics_source.h"

namespace {

// "name{labels}suffix" -> value, as the text format would key them.
std::map<std::string, double> Samples(listd::daemon::Activity& activity) {
  std::map<std::string, double> out;
  auto metrics = activity.Metrics();
  REQUIRE(metrics.ok());
  for (const web::Metric& metric : *metrics) {
    for (const web::MetricSample& sample : metric.samples) {
      std::string key = metric.name + sample.suffix;
      for (const auto& [name, value] : sample.labels) key += "{" + name + "=" + value + "}";
      out[key] = sample.value;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the daemon's counters start at zero with every series present", "[daemon][metrics]") {
  listd::daemon::Activity activity;
  auto samples = Samples(activity);
  CHECK(samples.at("listd_posts_received_total") == 0);
  for (const char* action :
       {"accepted", "forwarded", "held", "rejected", "discarded", "recorded", "failed"}) {
    INFO(action);
    CHECK(samples.at(std::string("listd_posts_processed_total{action=") + action + "}") == 0);
  }
  CHECK(samples.at("listd_dns_round_seconds_count") == 0);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=+Inf}") == 0);
}

TEST_CASE("the daemon's counters add up by action, result and DNS latency", "[daemon][metrics]") {
  listd::daemon::Activity activity;
  activity.PostsReceived(2);
  activity.PostsReceived(1);
  activity.PostProcessed(listd::service::PostAction::kAccepted);
  activity.PostProcessed(listd::service::PostAction::kHeld);
  activity.PostProcessed(listd::service::PostAction::kAccepted);
  activity.Recipients(98, 1, 1, 0);
  activity.Recipients(0, 0, 0, 5);
  activity.DnsRound(3, 0.003);  // in the 0.005 bucket
  activity.DnsRound(1, 0.2);    // in the 0.25 bucket
  activity.DnsRound(2, 30);     // over every bound: +Inf only
  auto samples = Samples(activity);
  CHECK(samples.at("listd_posts_received_total") == 3);
  CHECK(samples.at("listd_posts_processed_total{action=accepted}") == 2);
  CHECK(samples.at("listd_posts_processed_total{action=held}") == 1);
  CHECK(samples.at("listd_recipients_total{result=delivered}") == 98);
  CHECK(samples.at("listd_recipients_total{result=deferred}") == 1);
  CHECK(samples.at("listd_recipients_total{result=bounced}") == 1);
  CHECK(samples.at("listd_recipients_total{result=refused}") == 5);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=0.001}") == 0);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=0.005}") == 1);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=0.1}") == 1);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=0.25}") == 2);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=5}") == 2);
  CHECK(samples.at("listd_dns_round_seconds_bucket{le=+Inf}") == 3);
  CHECK(samples.at("listd_dns_round_seconds_count") == 3);
  CHECK(samples.at("listd_dns_round_seconds_sum") == Approx(30.203));
  CHECK(samples.at("listd_dns_names_total") == 6);
}
