// MessageOutline: a message as a moderator may safely look at it: the
// header fields (RFC 5322 section 2.2, unfolded, RFC 2047 words decoded)
// and each leaf part's type and decoded size, with the text of the
// text/plain parts (in UTF-8). Any other part (text/html above all) is
// named, never shown: a face that renders the outline cannot run what a
// stranger wrote.
//
// LIMITS
//   at most kMaxOutlineParts parts and kMaxOutlineText bytes of text a
//   part (the rest is cut, and `truncated` says so).
// Thread-safety: pure; safe from any thread (GMime is started once).
#ifndef LISTD_LISTD_MIME_MESSAGE_OUTLINE_H_
#define LISTD_LISTD_MIME_MESSAGE_OUTLINE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace listd::mime {

inline constexpr size_t kMaxOutlineParts = 100;
inline constexpr size_t kMaxOutlineText = 256 * 1024;

struct OutlinePart {
  std::string content_type;         // "text/plain", "text/html", "image/png"
  size_t size = 0;                  // decoded bytes
  std::optional<std::string> text;  // text/plain only
  bool truncated = false;           // the text was cut at kMaxOutlineText
};

struct MessageOutline {
  std::vector<std::pair<std::string, std::string>> headers;  // name, decoded value
  std::vector<OutlinePart> parts;
};

// The outline of `message` (CRLF or LF line ends).
MessageOutline OutlineMessage(std::string_view message);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_MESSAGE_OUTLINE_H_
