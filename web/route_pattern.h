// Route patterns and route tables: "/lists/{list}/members/{address}"
// matched against a decoded path, for ApiRoutes and PageRoutes alike. A
// named segment is one whole, non-empty path segment (no '/').
//
// Matching compares segment by segment, in time linear in the path: no
// regular expression, whose backtracking engine (libstdc++'s recurses per
// character) a long hostile path could drive into deep recursion.
#ifndef LISTD_WEB_ROUTE_PATTERN_H_
#define LISTD_WEB_ROUTE_PATTERN_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace web {

class RoutePattern {
 public:
  explicit RoutePattern(const std::string& pattern);
  // The named segments when `path` matches the whole pattern.
  std::optional<std::map<std::string, std::string>> Match(const std::string& path) const;

 private:
  struct Segment {
    bool named = false;
    std::string text;  // the literal, or the segment's name
  };
  std::vector<Segment> segments_;
};

// What a route table says of one request.
template <typename Entry>
struct RouteFound {
  const Entry* entry = nullptr;             // the route for this method and path
  bool path_known = false;                  // some route has this path (405, not 404)
  std::map<std::string, std::string> path;  // the entry's named segments
};

// The first of `entries` (each with .route.method and .pattern) that
// answers `method` on `path`.
template <typename Entry>
RouteFound<Entry> FindRoute(const std::vector<Entry>& entries, const std::string& method,
                            const std::string& path) {
  RouteFound<Entry> found;
  for (const Entry& entry : entries) {
    auto named = entry.pattern.Match(path);
    if (!named) continue;
    found.path_known = true;
    if (entry.route.method == method) {
      found.entry = &entry;
      found.path = std::move(*named);
      break;
    }
  }
  return found;
}

}  // namespace web

#endif  // LISTD_WEB_ROUTE_PATTERN_H_
