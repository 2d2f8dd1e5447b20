// The MIME part limit: how many body parts a post may have before listd
// builds its MIME tree.
//
// GMime makes a few GObjects per part: a post of 50,000 tiny parts (2 MB)
// took over 100 MB while it was decorated. No real post has thousands of
// parts (a digest of a hundred messages has a few hundred), so a post past
// the limit is held, with the count as the reason, before verification,
// as posts past the header limit are (header_limit.h).
//
// The count is a cheap upper bound read off the bytes, not a parse: every
// boundary a Content-Type declares anywhere in the message (RFC 2046
// section 5.1.1, the boundary parameter), and every line that opens a part
// with one of them ("--" boundary). A line that merely looks like a
// delimiter of a declared boundary counts too, so the bound errs on the
// side of the limit, never below the real number of parts.
//
// LIMITS
//   max_mime_parts  default 1000 (listd --max-mime-parts)
#ifndef LISTD_LISTD_PIPELINE_MIME_PART_LIMIT_H_
#define LISTD_LISTD_PIPELINE_MIME_PART_LIMIT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace listd::pipeline {

inline constexpr size_t kDefaultMaxMimeParts = 1000;

// An upper bound on the number of body parts of `message` (see above),
// counting no further than `stop_after` + 1.
size_t CountMimeParts(std::string_view message, size_t stop_after);

// Why `message` may not go further, when it has more than `max_parts`
// parts; nullopt when it is within the limit.
std::optional<std::string> MimePartLimitProblem(std::string_view message, size_t max_parts);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_MIME_PART_LIMIT_H_
