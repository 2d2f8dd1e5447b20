// The header limit: how many fields a post's header may have before listd
// does any work on it.
//
// A header of 160,000 repeated To fields (3.5 MB, under the size limit)
// once cost seconds in each stage that looks at fields. Every stage is now
// linear, but no real post has thousands of fields either: a post past the
// limit is held for the owners, with its count as the reason, before it is
// verified. Postfix caps a header block likewise (header_size_limit, 100 KB
// by default).
//
// LIMITS
//   max_header_fields  default 1000 (listd --max-header-fields)
#ifndef LISTD_LISTD_PIPELINE_HEADER_LIMIT_H_
#define LISTD_LISTD_PIPELINE_HEADER_LIMIT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace listd::pipeline {

inline constexpr size_t kDefaultMaxHeaderFields = 1000;

// The number of header fields of `message` (RFC 5322 section 2.2: a field
// starts on a line that does not begin with SP or HTAB; the header ends at
// the first empty line), counting no further than `stop_after` + 1. One
// pass over the header bytes, no allocation.
size_t CountHeaderFields(std::string_view message, size_t stop_after);

// Why `message` may not go further, when its header has more than
// `max_fields` fields; nullopt when it is within the limit.
std::optional<std::string> HeaderLimitProblem(std::string_view message, size_t max_fields);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_HEADER_LIMIT_H_
