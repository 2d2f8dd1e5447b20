// PrometheusText (see metrics_source.h).
//
// STANDARDS
//   Prometheus text exposition format 0.0.4: "# HELP name text", "# TYPE
//   name counter|gauge", then "name{label="value"} number"; in HELP, '\'
//   and newline are escaped; in label values also '"'.
#include <cmath>
#include <cstdio>

#include "web/metrics_source.h"

namespace web {
namespace {

std::string Escaped(const std::string& text, bool quotes) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

std::string PrometheusText(const std::vector<Metric>& metrics) {
  std::string out;
  for (const Metric& metric : metrics) {
    out += "# HELP " + metric.name + " " + Escaped(metric.help, false) + "\n";
    out += "# TYPE " + metric.name + " " + metric.type + "\n";
    for (const MetricSample& sample : metric.samples) {
      out += metric.name + sample.suffix;
      if (!sample.labels.empty()) {
        out += "{";
        bool first = true;
        for (const auto& [name, value] : sample.labels) {
          if (!first) out += ",";
          first = false;
          out += name + "=\"" + Escaped(value, true) + "\"";
        }
        out += "}";
      }
      out += " " + Number(sample.value) + "\n";
    }
  }
  return out;
}

}  // namespace web
