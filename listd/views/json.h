// The JSON every view writes, and how it is printed. Names and values are
// the admins' and posters' bytes: a byte that is not UTF-8 is replaced
// when printing rather than thrown on, so the output always parses. Times
// are seconds since the epoch; an absent one is null.
#ifndef LISTD_LISTD_VIEWS_JSON_H_
#define LISTD_LISTD_VIEWS_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace listd::views {

using Json = nlohmann::json;

// Pretty-printed, two spaces.
std::string Dump(const Json& document);
// On one line (a streamed array's element).
std::string DumpLine(const Json& document);
// A time, or null.
Json Time(const std::optional<int64_t>& seconds);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_JSON_H_
