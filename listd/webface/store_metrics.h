// StoreMetrics: listd's figures for /metrics (web/metrics_source.h), read
// from the store at each scrape (storage/store_figures.h), so they are
// right whichever process changed them: the daemon's workers, listctl, or
// the web face itself.
//
// Families (all gauges, site-wide: a scrape names no list and no member):
//   listd_lists, listd_members{delivery}, listd_posts{state},
//   listd_held_posts{kind}, listd_delivery_batches{state},
//   listd_delivery_oldest_batch_age_seconds,
//   listd_subscription_requests{state}, listd_mail_written_last_hour{kind}.
// A label value that has no rows is shown as 0 for the states a dashboard
// expects to find (delivery states, post states, batch states), so an
// alert on "held > 0" never meets a missing series.
//
// Thread-safety: Metrics() from any thread (it takes the shared store).
#ifndef LISTD_LISTD_WEBFACE_STORE_METRICS_H_
#define LISTD_LISTD_WEBFACE_STORE_METRICS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "listd/webface/shared_store.h"
#include "web/metrics_source.h"

namespace listd::webface {

class StoreMetrics : public web::MetricsSource {
 public:
  // `also` (may be null): more families, shown after the store's (the
  // daemon's counters).
  StoreMetrics(SharedStore& store, std::function<int64_t()> clock,
               web::MetricsSource* also = nullptr)
      : store_(store), clock_(std::move(clock)), also_(also) {}

  base::Result<std::vector<web::Metric>> Metrics() override;

 private:
  SharedStore& store_;
  std::function<int64_t()> clock_;
  web::MetricsSource* also_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_STORE_METRICS_H_
