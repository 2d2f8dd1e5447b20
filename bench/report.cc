#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

namespace bench {
namespace {

// JSON string literal for a row name or unit (plain ASCII by construction,
// but quotes and backslashes are escaped anyway).
std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  out += '"';
  return out;
}

std::string JsonNumber(std::optional<double> value, const char* format) {
  if (!value || !std::isfinite(*value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, *value);
  return buffer;
}

std::string JsonBool(bool value) { return value ? "true" : "false"; }

}  // namespace

std::optional<double> Row::ratio() const {
  if (!reference || *reference <= 0) return std::nullopt;
  return value / *reference;
}

bool Row::below_target() const {
  const std::optional<double> r = ratio();
  return target && r && *r < *target;
}

std::string Row::FullNote() const {
  char extra_text[128] = "";
  if (extra == Extra::kMicros && value > 0) {
    std::snprintf(extra_text, sizeof extra_text, " (%.2f us)", 1e6 / value);
  } else if (extra == Extra::kTimes && value > 0 && reference && *reference > 0) {
    // The ratio column is a rate ratio like every row's; a cost reads
    // better as time, so the note gives the inverse.
    std::snprintf(extra_text, sizeof extra_text, "; takes %.2fx the time of the reference",
                  *reference / value);
  } else if (extra == Extra::kOverhead && value > 0 && reference && *reference > 0) {
    // Microseconds per message above what the primitives need, and how many
    // the target would allow: the numbers one optimises against.
    const double above = 1e6 / value - 1e6 / *reference;
    int n =
        std::snprintf(extra_text, sizeof extra_text, "; %+.2f us/msg above the primitives", above);
    if (target && n > 0) {
      const double budget = 1e6 / (*target * *reference) - 1e6 / *reference;
      std::snprintf(extra_text + n, sizeof extra_text - static_cast<size_t>(n),
                    " (budget at %.2f: %.2f)", *target, budget);
    }
  }
  return note + extra_text;
}

Report::Report(bool json) : json_(json) {}

void Report::Note(const std::string& text) {
  std::fprintf(json_ ? stderr : stdout, "%s\n", text.c_str());
  std::fflush(json_ ? stderr : stdout);
}

void Report::Progress(const std::string& text) {
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

void Report::Observe(Row row) {
  for (Row& seen : rows_) {
    if (seen.name != row.name) continue;
    seen.value = std::max(seen.value, row.value);
    if (row.reference && (!seen.reference || *row.reference > *seen.reference)) {
      seen.reference = row.reference;
    }
    return;
  }
  rows_.push_back(std::move(row));
}

void Report::PrintRows() {
  if (!json_) {
    std::printf("\n%-30s %12s %-6s %12s %7s  %s\n", "name", "value", "unit", "reference", "ratio",
                "status");
    std::printf("%s\n", std::string(100, '-').c_str());
  }
  for (const Row& row : rows_) {
    const std::optional<double> ratio = row.ratio();
    const std::string note = row.FullNote();
    if (json_) {
      std::printf(
          "{\"name\":%s,\"value\":%s,\"unit\":%s,\"reference\":%s,\"ratio\":%s,"
          "\"target\":%s,\"below_target\":%s,\"note\":%s}\n",
          JsonString(row.name).c_str(), JsonNumber(row.value, "%.6g").c_str(),
          JsonString(row.unit).c_str(), JsonNumber(row.reference, "%.6g").c_str(),
          JsonNumber(ratio, "%.4f").c_str(), JsonNumber(row.target, "%.2f").c_str(),
          JsonBool(row.below_target()).c_str(), JsonString(note).c_str());
      continue;
    }
    char reference[32] = "n/a";
    char ratio_text[32] = "n/a";
    if (row.reference) std::snprintf(reference, sizeof reference, "%.1f", *row.reference);
    if (ratio) std::snprintf(ratio_text, sizeof ratio_text, "%.3f", *ratio);
    std::string status;
    if (row.target) {
      char target[64];
      std::snprintf(target, sizeof target, "(target %.2f)", *row.target);
      status = !ratio               ? std::string("no reference ") + target
               : row.below_target() ? std::string("BELOW TARGET ") + target
                                    : std::string("ok ") + target;
      status += " | " + note;
    } else {
      status = "info: " + note;
    }
    std::printf("%-30s %12.1f %-6s %12s %7s  %s\n", row.name.c_str(), row.value, row.unit.c_str(),
                reference, ratio_text, status.c_str());
  }
  std::fflush(stdout);
}

bool Report::PrintSummary() {
  int with_target = 0;
  int met = 0;
  std::string below;
  std::string unjudged;
  for (const Row& row : rows_) {
    if (!row.target) continue;
    ++with_target;
    const std::optional<double> r = row.ratio();
    if (!r) {
      unjudged += "  NO REFERENCE: " + row.name + " (openssl gave no figure)\n";
    } else if (row.below_target()) {
      char line[160];
      std::snprintf(line, sizeof line, "  BELOW TARGET: %s ratio %.3f (target %.2f)\n",
                    row.name.c_str(), *r, *row.target);
      below += line;
    } else {
      ++met;
    }
  }
  FILE* out = json_ ? stderr : stdout;
  if (with_target == 0) {
    std::fprintf(out, "\nNo target figures in this selection.\n");
  } else {
    std::fprintf(out, "\n%d of %d target figures meet their target.\n", met, with_target);
  }
  std::fprintf(out, "%s%s", below.c_str(), unjudged.c_str());
  std::fflush(out);
  return unjudged.empty();
}

}  // namespace bench
