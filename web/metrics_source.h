// MetricsSource: the figures /metrics shows, in Prometheus' text
// exposition format (web/metrics_page.h writes it). listd implements it
// over its store and its workers' counters.
//
// Thread-safety: Metrics() may be called from any thread.
#ifndef LISTD_WEB_METRICS_SOURCE_H_
#define LISTD_WEB_METRICS_SOURCE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace web {

// One sample of a metric family.
struct MetricSample {
  MetricSample(std::map<std::string, std::string> sample_labels, double sample_value,
               std::string sample_suffix = "")
      : labels(std::move(sample_labels)), value(sample_value), suffix(std::move(sample_suffix)) {}

  std::map<std::string, std::string> labels;
  double value = 0;
  // Appended to the family's name: a histogram's "_bucket", "_sum" and
  // "_count" samples; "" for counters and gauges.
  std::string suffix;
};

// A metric family: "listd_posts_total" with its samples.
struct Metric {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;
  std::string type;  // "counter" | "gauge" | "histogram"
  std::vector<MetricSample> samples;
};

class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  // Every metric as it stands now.
  virtual base::Result<std::vector<Metric>> Metrics() = 0;
};

// The text exposition format (version 0.0.4) of `metrics`: HELP and TYPE
// lines, then one line per sample, label values escaped.
std::string PrometheusText(const std::vector<Metric>& metrics);

}  // namespace web

#endif  // LISTD_WEB_METRICS_SOURCE_H_
