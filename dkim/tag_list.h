// Tag-list parsing, RFC 6376 section 3.2.
//
// Used for DKIM-Signature values, key records (section 3.6.1) and, later,
// DMARC and ARC records. Values are views into the parsed text with the
// surrounding FWS removed; FWS *inside* a value is kept (callers of b=, bh=
// and p= strip it, as section 3.5 asks). Tag names are case-sensitive.
//
// Errors: a duplicate tag (section 3.2: "MUST be treated as an error"), a
// tag-spec without '=', an invalid tag name or a character outside VALCHAR,
// and a CR or LF that is not part of folding (CRLF then WSP; a CRLF at the
// very end of a spec is trimmed): a lone CR or LF is no whitespace, so
// "v=\nDMARC1" is not v=DMARC1. An empty tag-spec is allowed only after
// the final ';'.
#ifndef LISTD_DKIM_TAG_LIST_H_
#define LISTD_DKIM_TAG_LIST_H_

#include <cstddef>
#include <cstdint>
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

// Reads a tag list one tag at a time, with the checks of TagList::Parse,
// without storing the tags: the DKIM-Signature of every verified message is
// read this way, so that no list is allocated per message.
class TagReader {
 public:
  // `text` must outlive the reader; tags are views into it.
  explicit TagReader(std::string_view text) : text_(text) {}

  // Reads the next tag into `tag`. False at the end of the list or on an
  // error; error() is empty at the end and says what is wrong otherwise.
  bool Next(Tag& tag);
  const std::string& error() const { return error_; }

 private:
  bool ReadSimple(Tag& tag);
  bool ReadCarefully(Tag& tag);
  bool Fail(std::string reason);
  bool SeenBefore(std::string_view name);

  std::string_view text_;
  size_t pos_ = 0;
  bool done_ = false;
  std::string error_;
  // Names seen, for the duplicate check (section 3.2). Most names are one
  // letter: a bit each (c & 63). Longer ones are few (DKIM has only bh=),
  // kept inline; the vector takes any beyond and is empty otherwise.
  uint64_t one_letter_names_ = 0;
  std::string_view long_names_[8];
  size_t long_name_count_ = 0;
  std::vector<std::string_view> more_long_names_;
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
// The same into `out`, reusing its storage (the verifier's b= per message).
void AssignWithoutWhitespace(std::string_view value, std::string& out);

}  // namespace dkim

#endif  // LISTD_DKIM_TAG_LIST_H_
