// RoutePattern (see route_pattern.h).
#include "web/route_pattern.h"

#include <string_view>

namespace web {

RoutePattern::RoutePattern(const std::string& pattern) {
  std::string expression = "^";
  for (size_t at = 0; at < pattern.size();) {
    if (pattern[at] == '{') {
      size_t close = pattern.find('}', at);
      names_.push_back(pattern.substr(at + 1, close - at - 1));
      expression += "([^/]+)";
      at = close + 1;
      continue;
    }
    char c = pattern[at++];
    if (std::string_view(".[]{}()*+?^$|\\").find(c) != std::string_view::npos) expression += '\\';
    expression += c;
  }
  expression += "$";
  matcher_ = std::regex(expression);
}

std::optional<std::map<std::string, std::string>> RoutePattern::Match(
    const std::string& path) const {
  std::smatch groups;
  if (!std::regex_match(path, groups, matcher_)) return std::nullopt;
  std::map<std::string, std::string> named;
  for (size_t i = 0; i < names_.size(); ++i) named[names_[i]] = groups[i + 1];
  return named;
}

}  // namespace web
