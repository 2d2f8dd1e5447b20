// RoutePattern (see route_pattern.h).
#include "web/route_pattern.h"

#include <string_view>

namespace web {
namespace {

// The pieces of `path` between its slashes: "/a/b" is {"", "a", "b"}.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t at = 0;
  for (;;) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(at));
      return segments;
    }
    segments.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
}

}  // namespace

RoutePattern::RoutePattern(const std::string& pattern) {
  for (std::string_view piece : Segments(pattern)) {
    const bool named = piece.size() >= 2 && piece.front() == '{' && piece.back() == '}';
    segments_.push_back(
        Segment{named, std::string(named ? piece.substr(1, piece.size() - 2) : piece)});
  }
}

std::optional<std::map<std::string, std::string>> RoutePattern::Match(
    const std::string& path) const {
  // Counting slashes first keeps a long path of many segments from being
  // split at all when it cannot match.
  size_t slashes = 0;
  for (char c : path) slashes += c == '/';
  if (slashes + 1 != segments_.size()) return std::nullopt;
  std::vector<std::string_view> pieces = Segments(path);
  std::map<std::string, std::string> named;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    if (!segment.named) {
      if (pieces[i] != segment.text) return std::nullopt;
    } else {
      if (pieces[i].empty()) return std::nullopt;
      named[segment.text] = std::string(pieces[i]);
    }
  }
  return named;
}

}  // namespace web
