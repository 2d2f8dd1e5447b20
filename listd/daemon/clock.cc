// The daemon's clock (see clock.h).
#include "listd/daemon/clock.h"

#include <atomic>
#include <charconv>
#include <fstream>
#include <memory>

namespace listd::daemon {
namespace {

class OffsetFile {
 public:
  explicit OffsetFile(std::string path) : path_(std::move(path)) {}

  int64_t Now() {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
    int64_t checked = checked_ms_.load(std::memory_order_relaxed);
    if (checked == 0 || now_ms - checked >= kClockFileRecheck.count()) {
      // Two threads may both read the file; each stores what it read.
      checked_ms_.store(now_ms, std::memory_order_relaxed);
      offset_.store(Read(), std::memory_order_relaxed);
    }
    return dkim::SystemNow() + offset_.load(std::memory_order_relaxed);
  }

 private:
  int64_t Read() const {
    std::ifstream file(path_);
    std::string text;
    std::getline(file, text);
    int64_t offset = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
    (void)end;
    return ec == std::errc() ? offset : 0;
  }

  const std::string path_;
  std::atomic<int64_t> checked_ms_{0};
  std::atomic<int64_t> offset_{0};
};

}  // namespace

dkim::Clock MakeDaemonClock(const std::string& offset_file) {
  if (offset_file.empty()) return dkim::SystemNow;
  auto file = std::make_shared<OffsetFile>(offset_file);
  return [file] { return file->Now(); };
}

}  // namespace listd::daemon
