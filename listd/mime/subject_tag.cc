// subject_tag: put the list's tag in front of a Subject, never twice.
//
// STANDARDS
//   RFC 2047 §2 (encoded-words at most 75 characters), §5(1) (encoded-words
//   separated from text by linear white space), §6.2 (white space between
//   adjacent encoded-words is ignored when decoding); RFC 5322 §2.1.1
//   (lines at most 998, preferably 78 characters), §2.2.3 (folding).
// LIMITS
//   A non-ASCII tag is written as UTF-8 "Q" encoded-words (EncodeWordsUtf8).
//   Folding assumes the field name is "Subject" (8 bytes with the colon).
#include "listd/mime/subject_tag.h"

#include "base/ascii.h"
#include "listd/mime/gmime_support.h"
#include "listd/mime/text_codec.h"

namespace listd::mime {
namespace {

constexpr size_t kFieldNameLength = 8;  // "Subject:"
constexpr size_t kPreferredLine = 78;   // RFC 5322 §2.1.1

}  // namespace

std::string TagSubject(std::string_view raw_value, std::string_view tag) {
  if (tag.empty()) return std::string(raw_value);
  std::string decoded = base::LowerAscii(DecodeHeaderText(raw_value));
  if (decoded.find(base::LowerAscii(tag)) != std::string::npos) return std::string(raw_value);

  size_t start = raw_value.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) start = raw_value.size();
  std::string lead(raw_value.substr(0, start));
  if (lead.empty()) lead = " ";
  std::string_view rest = raw_value.substr(start);

  std::string tag_text;
  if (IsAscii(tag)) {
    tag_text = std::string(tag);
  } else if (rest.substr(0, 2) == "=?") {
    // The space between two encoded-words vanishes on decoding (§6.2), so
    // the separating space travels inside the tag's own encoded-word.
    tag_text = EncodeWordsUtf8(std::string(tag) + " ");
  } else {
    tag_text = EncodeWordsUtf8(tag);
  }
  if (rest.empty()) return lead + tag_text;

  std::string separator = " ";
  size_t first_line = rest.find("\r\n");
  if (first_line == std::string_view::npos) first_line = rest.size();
  if (kFieldNameLength + lead.size() + tag_text.size() + 1 + first_line > kPreferredLine) {
    separator = "\r\n ";  // fold at the space we add; unfolding gives it back
  }
  return lead + tag_text + separator + std::string(rest);
}

std::string SubjectForMissing(std::string_view tag) { return TagSubject(" (no subject)", tag); }

}  // namespace listd::mime
