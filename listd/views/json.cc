// The JSON printers (see json.h).
#include "listd/views/json.h"

namespace listd::views {

std::string Dump(const Json& document) {
  return document.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string DumpLine(const Json& document) {
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json Time(const std::optional<int64_t>& seconds) {
  return seconds ? Json(*seconds) : Json(nullptr);
}

}  // namespace listd::views
