// Activity (see activity.h).
#include "listd/daemon/activity.h"

#include <cstdio>
#include <string>

namespace listd::daemon {
namespace {

constexpr service::PostAction kAllActions[] = {
    service::PostAction::kAccepted, service::PostAction::kForwarded, service::PostAction::kHeld,
    service::PostAction::kRejected, service::PostAction::kDiscarded, service::PostAction::kRecorded,
    service::PostAction::kFailed};
static_assert(sizeof kAllActions / sizeof kAllActions[0] == 7);

web::Metric Family(std::string name, std::string help, std::string type) {
  web::Metric metric;
  metric.name = std::move(name);
  metric.help = std::move(help);
  metric.type = std::move(type);
  return metric;
}

std::string Bound(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

}  // namespace

void Activity::PostProcessed(service::PostAction action) {
  const auto index = static_cast<size_t>(action);
  if (index < processed_.size()) ++processed_[index];
}

void Activity::Recipients(size_t delivered, size_t deferred, size_t bounced, size_t refused) {
  delivered_ += delivered;
  deferred_ += deferred;
  bounced_ += bounced;
  refused_ += refused;
}

void Activity::DnsRound(size_t names, double seconds) {
  size_t bucket = 0;
  while (bucket < kDnsBuckets.size() && seconds > kDnsBuckets[bucket]) ++bucket;
  if (bucket < kDnsBuckets.size()) ++dns_buckets_[bucket];
  ++dns_rounds_;
  dns_micros_ += static_cast<uint64_t>(seconds * 1e6);
  dns_names_ += names;
}

base::Result<std::vector<web::Metric>> Activity::Metrics() {
  std::vector<web::Metric> metrics;
  web::Metric received = Family("listd_posts_received_total",
                                "Posts spooled by LMTP since the daemon started.", "counter");
  received.samples.push_back({{}, static_cast<double>(received_.load())});
  metrics.push_back(std::move(received));

  web::Metric processed =
      Family("listd_posts_processed_total",
             "Posts processed since the daemon started, by what became of them.", "counter");
  for (service::PostAction action : kAllActions) {
    processed.samples.push_back(
        {{{"action", std::string(service::ToString(action))}},
         static_cast<double>(processed_[static_cast<size_t>(action)].load())});
  }
  metrics.push_back(std::move(processed));

  web::Metric recipients = Family(
      "listd_recipients_total",
      "Recipients of delivery attempts since the daemon started, by result: delivered, deferred "
      "(will be retried), bounced (refused for good), refused (the message was refused).",
      "counter");
  const std::pair<const char*, const std::atomic<uint64_t>*> results[] = {
      {"delivered", &delivered_},
      {"deferred", &deferred_},
      {"bounced", &bounced_},
      {"refused", &refused_}};
  for (const auto& [result, count] : results) {
    recipients.samples.push_back({{{"result", result}}, static_cast<double>(count->load())});
  }
  metrics.push_back(std::move(recipients));

  web::Metric rounds = Family("listd_dns_round_seconds",
                              "Wall time of each DNS round a post worker waited for (the keys "
                              "and DMARC records of one post are one round).",
                              "histogram");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kDnsBuckets.size(); ++i) {
    cumulative += dns_buckets_[i].load();
    rounds.samples.push_back(
        {{{"le", Bound(kDnsBuckets[i])}}, static_cast<double>(cumulative), "_bucket"});
  }
  const auto count = static_cast<double>(dns_rounds_.load());
  rounds.samples.push_back({{{"le", "+Inf"}}, count, "_bucket"});
  rounds.samples.push_back({{}, static_cast<double>(dns_micros_.load()) / 1e6, "_sum"});
  rounds.samples.push_back({{}, count, "_count"});
  metrics.push_back(std::move(rounds));

  web::Metric names =
      Family("listd_dns_names_total", "TXT names the post workers asked DNS for.", "counter");
  names.samples.push_back({{}, static_cast<double>(dns_names_.load())});
  metrics.push_back(std::move(names));
  return metrics;
}

}  // namespace listd::daemon
