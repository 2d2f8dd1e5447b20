// Route patterns: "/lists/{list}/members/{address}" as a regular
// expression whose groups are the named segments, for ApiRoutes and
// PageRoutes alike. A named segment is one path segment (no '/').
#ifndef LISTD_WEB_ROUTE_PATTERN_H_
#define LISTD_WEB_ROUTE_PATTERN_H_

#include <regex>
#include <string>
#include <vector>

namespace web {

// The expression matching `pattern` whole; `names` gets the segment names
// in order.
std::regex CompileRoutePattern(const std::string& pattern, std::vector<std::string>& names);

}  // namespace web

#endif  // LISTD_WEB_ROUTE_PATTERN_H_
