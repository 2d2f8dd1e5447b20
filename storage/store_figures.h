// StoreFigures: the counts the store can give at a glance, for /metrics
// (listd/webface/store_metrics.h turns them into Prometheus families) and
// for anything else that wants the whole site's state in one read.
//
// Every figure is a count over an existing index or a small table, read in
// one read transaction so the figures agree with each other. Nothing here
// names a list or a member: the figures are site-wide, so a metrics scrape
// tells no one who is on which list.
#ifndef LISTD_STORAGE_STORE_FIGURES_H_
#define LISTD_STORAGE_STORE_FIGURES_H_

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace storage {

struct StoreFigures {
  int64_t lists = 0;
  // members by delivery state: "enabled", "disabled-by-bounce", ...
  std::map<std::string, int64_t> members;
  // posts in the spool by state: "received", "processed", "held", ...
  std::map<std::string, int64_t> posts;
  // held posts by kind: "moderation", "refused"
  std::map<std::string, int64_t> held;
  // delivery batches: "queued" (waiting or due), "leased" (a worker is on
  // it at `now`), "parked" (stopped by a refused message)
  std::map<std::string, int64_t> batches;
  // seconds since the oldest unparked batch was queued (0 when none)
  int64_t oldest_batch_age = 0;
  // subscription requests by state: "confirming", "moderating"
  std::map<std::string, int64_t> requests;
  // mail listd wrote itself in the last hour, by kind
  std::map<std::string, int64_t> mail_last_hour;
};

// Reads every figure as the store stands at `now` (seconds since the epoch).
base::Result<StoreFigures> ReadStoreFigures(Store& store, int64_t now);

}  // namespace storage

#endif  // LISTD_STORAGE_STORE_FIGURES_H_
