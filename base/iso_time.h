// IsoTime: a moment as people and JSON read it, "2026-11-23T20:41:00Z"
// (ISO 8601 in UTC, to the second), for listctl's tables and the views.
#ifndef LISTD_BASE_ISO_TIME_H_
#define LISTD_BASE_ISO_TIME_H_

#include <cstdint>
#include <string>

namespace base {

// `seconds` since the epoch in UTC: "2026-11-23T20:41:00Z".
std::string IsoTime(int64_t seconds);

}  // namespace base

#endif  // LISTD_BASE_ISO_TIME_H_
