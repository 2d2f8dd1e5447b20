// StoreMetrics (see store_metrics.h).
#include "listd/webface/store_metrics.h"

#include <initializer_list>
#include <map>
#include <string>

#include "storage/store_figures.h"

namespace listd::webface {
namespace {

web::Metric Gauge(std::string name, std::string help) {
  web::Metric metric;
  metric.name = std::move(name);
  metric.help = std::move(help);
  metric.type = "gauge";
  return metric;
}

web::Metric Single(std::string name, std::string help, int64_t value) {
  web::Metric metric = Gauge(std::move(name), std::move(help));
  metric.samples.push_back({{}, static_cast<double>(value)});
  return metric;
}

// One sample per label value: the `expected` ones always (0 when absent),
// then any other the store holds.
web::Metric Labelled(std::string name, std::string help, const std::string& label,
                     const std::map<std::string, int64_t>& counts,
                     std::initializer_list<const char*> expected) {
  web::Metric metric = Gauge(std::move(name), std::move(help));
  std::map<std::string, int64_t> all = counts;
  for (const char* value : expected) all.emplace(value, 0);
  for (const auto& [value, count] : all) {
    metric.samples.push_back({{{label, value}}, static_cast<double>(count)});
  }
  return metric;
}

}  // namespace

base::Result<std::vector<web::Metric>> StoreMetrics::Metrics() {
  const int64_t now = clock_();
  auto figures =
      store_.With([now](storage::Store& store) { return storage::ReadStoreFigures(store, now); });
  if (!figures) return figures.failure();
  std::vector<web::Metric> metrics;
  metrics.push_back(Single("listd_lists", "Lists the store holds.", figures->lists));
  metrics.push_back(Labelled("listd_members", "Subscriptions, by delivery state.", "delivery",
                             figures->members,
                             {"enabled", "disabled-by-bounce", "disabled-by-user"}));
  metrics.push_back(Labelled("listd_posts", "Posts in the spool, by state.", "state",
                             figures->posts,
                             {"received", "processed", "held", "rejected", "discarded", "failed"}));
  metrics.push_back(Labelled("listd_held_posts",
                             "Posts waiting for a moderator (moderation) or an owner (refused).",
                             "kind", figures->held, {"moderation", "refused"}));
  metrics.push_back(Labelled("listd_delivery_batches",
                             "Delivery batches: queued, leased by a worker, parked after a "
                             "refused message.",
                             "state", figures->batches, {"queued", "leased", "parked"}));
  metrics.push_back(Single("listd_delivery_oldest_batch_age_seconds",
                           "Age of the oldest batch delivery still owes (0 when none).",
                           figures->oldest_batch_age));
  metrics.push_back(Labelled("listd_subscription_requests",
                             "Join and leave requests waiting, by state.", "state",
                             figures->requests, {"confirming", "moderating"}));
  metrics.push_back(Labelled("listd_mail_written_last_hour",
                             "Mail listd wrote itself in the last hour (confirmations, replies, "
                             "notices), by kind.",
                             "kind", figures->mail_last_hour, {}));
  if (also_ != nullptr) {
    auto more = also_->Metrics();
    if (!more) return more.failure();
    for (web::Metric& metric : *more) metrics.push_back(std::move(metric));
  }
  return metrics;
}

}  // namespace listd::webface
