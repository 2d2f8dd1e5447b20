// CompileRoutePattern (see route_pattern.h).
#include "web/route_pattern.h"

#include <string_view>

namespace web {

std::regex CompileRoutePattern(const std::string& pattern, std::vector<std::string>& names) {
  std::string expression = "^";
  for (size_t at = 0; at < pattern.size();) {
    if (pattern[at] == '{') {
      size_t close = pattern.find('}', at);
      names.push_back(pattern.substr(at + 1, close - at - 1));
      expression += "([^/]+)";
      at = close + 1;
      continue;
    }
    char c = pattern[at++];
    if (std::string_view(".[]{}()*+?^$|\\").find(c) != std::string_view::npos) expression += '\\';
    expression += c;
  }
  expression += "$";
  return std::regex(expression);
}

}  // namespace web
