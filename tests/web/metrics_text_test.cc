// PrometheusText: the text exposition format, with its escaping.
#include <catch2/catch.hpp>

#include "web/metrics_source.h"

TEST_CASE("metrics are written in Prometheus' text format", "[web][metrics]") {
  std::vector<web::Metric> metrics = {
      {"listd_posts_total",
       "Posts by outcome.",
       "counter",
       {{{{"outcome", "accepted"}}, 3}, {{{"outcome", "held"}}, 1}}},
      {"listd_queue_depth", "Batches waiting.\nSecond line", "gauge", {{{}, 0.5}}},
      {"listd_label_escape", "x", "gauge", {{{{"list", "a\"b\\c\nd"}}, 1}}},
  };
  const std::string text = web::PrometheusText(metrics);
  CHECK(text.find("# HELP listd_posts_total Posts by outcome.\n# TYPE listd_posts_total counter\n"
                  "listd_posts_total{outcome=\"accepted\"} 3\n"
                  "listd_posts_total{outcome=\"held\"} 1\n") != std::string::npos);
  CHECK(text.find("# HELP listd_queue_depth Batches waiting.\\nSecond line\n") !=
        std::string::npos);
  CHECK(text.find("listd_queue_depth 0.5\n") != std::string::npos);
  CHECK(text.find("listd_label_escape{list=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos);
}

TEST_CASE("a histogram's samples carry their suffixes under one HELP and TYPE", "[web][metrics]") {
  std::vector<web::Metric> metrics = {{"listd_dns_round_seconds",
                                       "Rounds.",
                                       "histogram",
                                       {{{{"le", "0.1"}}, 2, "_bucket"},
                                        {{{"le", "+Inf"}}, 3, "_bucket"},
                                        {{}, 0.75, "_sum"},
                                        {{}, 3, "_count"}}}};
  const std::string text = web::PrometheusText(metrics);
  CHECK(text ==
        "# HELP listd_dns_round_seconds Rounds.\n"
        "# TYPE listd_dns_round_seconds histogram\n"
        "listd_dns_round_seconds_bucket{le=\"0.1\"} 2\n"
        "listd_dns_round_seconds_bucket{le=\"+Inf\"} 3\n"
        "listd_dns_round_seconds_sum 0.75\n"
        "listd_dns_round_seconds_count 3\n");
}
