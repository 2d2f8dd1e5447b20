// Mail text: what a person wrote in a mail to one of a list's command
// addresses, as UTF-8 with LF line ends, for the command and
// moderation-reply parsers to read.
//
// Contract: FirstTextOf() picks the first text/plain part that is not an
// attachment, in the order the parts appear (depth first); when there is
// none, the first such text/html part turned into text. Transfer encoding
// and charset are undone (GMime), bytes that do not fit the charset become
// U+FFFD, so the result is always valid UTF-8. An empty string means the
// mail holds no text part; an error means it is not a message at all.
// Pure: bytes in, text out. Thread-safety: plain functions (GMime is
// started once, thread-safely).
//
// STANDARDS
//   RFC 2045 section 5.2 (no Content-Type: text/plain; charset=us-ascii),
//   section 6 (transfer encodings), RFC 2046 section 4.1.2 (charset),
//   section 5.1 (multipart: parts in order; alternative lists the plainest
//   first), RFC 2183 section 2.2 (Content-Disposition: attachment is not
//   shown inline, so it is not what the sender wrote), RFC 2047 (encoded
//   words in the Subject), the HTML standard's character references
//   (named and numeric).
//
// LIMITS
//   At most kMaxTextBytes of text are returned (longer text is cut at a
//   character boundary); at most kMaxHtmlBytes of decoded HTML are read.
//   A message/rfc822 part (a forwarded or attached mail) is not searched:
//   its text is someone else's. The HTML reader is small: tags go, <br>,
//   <p>, <div>, <li>, <tr>, headings and the like end a line, the content
//   of <style>, <script> and <title> and comments are dropped, blank runs
//   collapse outside <pre>, lines inside <blockquote> read as quoted ("> "),
//   and only the named references &amp; &lt; &gt; &quot; &apos; &nbsp;
//   (as a plain space) and numeric ones are decoded. A charset iconv does
//   not know is read as UTF-8.
#ifndef LISTD_LISTD_INBOUND_MAIL_TEXT_H_
#define LISTD_LISTD_INBOUND_MAIL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

// GMime's leaf part (gmime/gmime-part.h), declared here so callers of the
// text functions need not see GMime.
typedef struct _GMimePart GMimePart;

namespace listd::inbound {

inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxHtmlBytes = 1024 * 1024;

// The text a person wrote (see the contract above); an error when the
// message cannot be parsed.
base::Result<std::string> FirstTextOf(std::string_view message);

// The content of one leaf part as UTF-8 with LF line ends: transfer
// encoding and charset undone as for FirstTextOf, at most `decoded_limit`
// bytes decoded. For the bounce parser, which reads every part it needs.
std::string DecodedTextOf(GMimePart* part, size_t decoded_limit);

// UTF-8 HTML as text (see LIMITS), at most `max_bytes` bytes. Exposed for
// tests.
std::string HtmlToText(std::string_view html, size_t max_bytes);

// The Subject, RFC 2047 decoded and unfolded, as valid UTF-8; "" when the
// message has none. Reads the header only.
std::string SubjectOf(std::string_view message);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_MAIL_TEXT_H_
