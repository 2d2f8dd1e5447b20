// FreshBoundary (see boundary.h).
#include "listd/mime/boundary.h"

#include <cstdio>
#include <functional>

namespace listd::mime {

std::string FreshBoundary(std::string_view message) {
  const size_t seed = std::hash<std::string_view>{}(message);
  for (size_t attempt = 0;; ++attempt) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(seed + attempt));
    std::string boundary = std::string("=_listd_") + hex;
    if (message.find(boundary) == std::string_view::npos) return boundary;
  }
}

}  // namespace listd::mime
