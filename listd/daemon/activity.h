// Activity: what this daemon has done since it started, for /metrics:
// posts received by LMTP, posts processed by what became of them,
// recipients by the result of their delivery attempt, and the latency of
// the DNS rounds the post workers waited for. The store's own figures
// (queue depth, held posts, members) come from the store at each scrape
// (listd/webface/store_metrics.h); these are the counters only a running
// process can know, so they start at 0 with the process, as Prometheus
// counters do.
//
// Families:
//   listd_posts_received_total            counter
//   listd_posts_processed_total{action}   counter (accepted, held, ...)
//   listd_recipients_total{result}        counter (delivered, deferred,
//                                         bounced, refused)
//   listd_dns_round_seconds               histogram of one post's rounds
//   listd_dns_names_total                 counter of names asked
//
// Thread-safety: every call may come from any thread (atomics only; a
// scrape may see one post's counts half added, never torn numbers).
#ifndef LISTD_LISTD_DAEMON_ACTIVITY_H_
#define LISTD_LISTD_DAEMON_ACTIVITY_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "listd/service/post_outcomes.h"
#include "web/metrics_source.h"

namespace listd::daemon {

// The upper bounds (seconds) of the DNS latency histogram's buckets; the
// last real one is the default --dns-timeout's neighbourhood.
inline constexpr std::array<double, 11> kDnsBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                       0.25,  0.5,   1,    2.5,   5};

class Activity : public web::MetricsSource {
 public:
  // `posts` were spooled by one LMTP transaction.
  void PostsReceived(size_t posts) { received_ += posts; }
  // One post was processed with `action`.
  void PostProcessed(service::PostAction action);
  // One delivery attempt's recipients, by result.
  void Recipients(size_t delivered, size_t deferred, size_t bounced, size_t refused);
  // One DNS round of `names` names took `seconds`.
  void DnsRound(size_t names, double seconds);

  base::Result<std::vector<web::Metric>> Metrics() override;

 private:
  static constexpr size_t kActions = 7;  // service::PostAction's values
  std::atomic<uint64_t> received_{0};
  std::array<std::atomic<uint64_t>, kActions> processed_{};
  std::atomic<uint64_t> delivered_{0}, deferred_{0}, bounced_{0}, refused_{0};
  std::array<std::atomic<uint64_t>, kDnsBuckets.size()> dns_buckets_{};  // non-cumulative
  std::atomic<uint64_t> dns_rounds_{0};
  std::atomic<uint64_t> dns_micros_{0};
  std::atomic<uint64_t> dns_names_{0};
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_ACTIVITY_H_
