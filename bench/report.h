// Report: the benchmark's rows, printed as a human table or as JSON lines.
//
// A row is one figure: our value, the reference OpenSSL allows for the same
// work, and their ratio. Rows with a target say whether they meet it; rows
// without one are diagnostics (where the time goes) and only inform.
//
// The benchmark runs in passes; each pass observes every row once and the
// report keeps, per row, the best value and the best reference seen (noise
// on a shared machine only ever slows things down, and spreading a row's
// samples over the whole run steps around slow spells). Rows are printed
// once, after the last pass.
#ifndef LISTD_BENCH_REPORT_H_
#define LISTD_BENCH_REPORT_H_

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct Row {
  // What the note adds, computed from the final figures.
  enum class Extra {
    kNone,
    kOverhead,  // microseconds per message above the reference, and the budget
    kMicros,    // microseconds per operation
    kTimes,     // reference / value: how many times the reference's time ours takes
  };
  std::string name;                 // e.g. "sign/rsa2048/4KB"
  double value = 0;                 // ours
  std::string unit;                 // "msg/s", "op/s" or "MB/s"
  std::optional<double> reference;  // what the primitives allow; unset if unknown
  std::optional<double> target;     // minimum ratio, for the figures that have one
  std::string note;                 // one short phrase on what is measured
  Extra extra = Extra::kNone;

  // value / reference, when there is a reference.
  std::optional<double> ratio() const;
  // Whether the row has a target and a ratio below it.
  bool below_target() const;
  // The note with its Extra appended.
  std::string FullNote() const;
};

class Report {
 public:
  // `json`: one JSON object per line on stdout; otherwise a table. Context
  // lines (Note) go to stdout in table mode and to stderr in JSON mode, so
  // stdout stays machine-readable; Progress always goes to stderr.
  explicit Report(bool json);

  // Prints a line of context that belongs with the figures.
  void Note(const std::string& text);
  // Prints a line about the run's progress (stderr).
  void Progress(const std::string& text);
  // Records one observation of a row, keeping the best value and reference.
  void Observe(Row row);
  // Prints every row.
  void PrintRows();
  // Prints how many target figures were met and which were not. Returns
  // false when some target figure could not be judged (no reference).
  bool PrintSummary();
  // How many rows were observed.
  size_t size() const { return rows_.size(); }

 private:
  bool json_;
  std::vector<Row> rows_;
};

}  // namespace bench

#endif  // LISTD_BENCH_REPORT_H_
