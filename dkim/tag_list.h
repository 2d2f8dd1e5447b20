// Tag-list parsing, RFC 6376 section 3.2.
//
// Used for DKIM-Signature values, key records (section 3.6.1) and, later,
// DMARC and ARC records. Values are views into the parsed text with the
// surrounding FWS removed; FWS *inside* a value is kept (callers of b=, bh=
// and p= strip it, as section 3.5 asks). Tag names are case-sensitive.
//
// Errors: a duplicate tag (section 3.2: "MUST be treated as an error"), a
// tag-spec without '=', an invalid tag name or a character outside VALCHAR.
// An empty tag-spec is allowed only after the final ';'.
#ifndef LISTD_DKIM_TAG_LIST_H_
#define LISTD_DKIM_TAG_LIST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/result.h"

namespace dkim {

struct Tag {
  std::string_view name;
  std::string_view value;  // outer FWS trimmed
};

class TagList {
 public:
  // Parses `text`; the returned views point into `text`.
  static Result<TagList> Parse(std::string_view text);

  // The value of tag `name`, if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  // All tags in the order they appear.
  const std::vector<Tag>& tags() const { return tags_; }

 private:
  std::vector<Tag> tags_;
};

// Removes every FWS character (SP, HTAB, CR, LF) from `value`: b=, bh=, p=.
std::string StripWhitespace(std::string_view value);

}  // namespace dkim

#endif  // LISTD_DKIM_TAG_LIST_H_
