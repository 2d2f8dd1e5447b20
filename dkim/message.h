// Message: an RFC 5322 message held as received, for DKIM work.
//
// DKIM hashes bytes, so nothing here is rewritten: each header field keeps
// its name, folding and whitespace exactly; the body is the bytes after the
// blank line. The only change ever made is at intake: a bare LF becomes
// CRLF (mail that came through a Unix pipe), once, in Parse().
//
// A Message owns its bytes on the heap, so the string_views it hands out stay
// valid for its lifetime, including across moves. Immutable once parsed;
// safe to share between threads for reading.
#ifndef LISTD_DKIM_MESSAGE_H_
#define LISTD_DKIM_MESSAGE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/result.h"

namespace dkim {

// One header field exactly as received.
struct HeaderField {
  std::string_view name;  // field name, without the colon or trailing WSP
  std::string_view raw;   // the whole field: "Name: value\r\n", folding included
  // The bytes after the colon, without the final CRLF (folding kept).
  std::string_view value() const;
};

class Message {
 public:
  // Parses `bytes`, normalising bare LF to CRLF first. Fails only when the
  // header section holds a line that is neither a field nor a continuation.
  static Result<Message> Parse(std::string bytes);

  Message(Message&&) noexcept = default;
  Message& operator=(Message&&) noexcept = default;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // Header fields, top to bottom.
  const std::vector<HeaderField>& headers() const { return headers_; }
  // The body: everything after the empty line that ends the header section.
  std::string_view body() const { return body_; }
  // The whole message as held (CRLF line endings).
  std::string_view bytes() const { return *bytes_; }
  // Fields named `name` (case-insensitive), top to bottom.
  std::vector<const HeaderField*> FieldsNamed(std::string_view name) const;
  // Whether the input had bare LF line endings that Parse() converted.
  bool had_bare_lf() const { return had_bare_lf_; }

 private:
  Message() = default;
  std::unique_ptr<const std::string> bytes_;
  std::vector<HeaderField> headers_;
  std::string_view body_;
  bool had_bare_lf_ = false;
};

// Why `message` has no single author field: RFC 5322 section 3.6 allows
// exactly one From, and a signature over a message with two would vouch for
// whichever one a reader shows (RFC 6376 section 8.15). nullopt when there
// is exactly one. Signers refuse such a message, verifiers never pass it.
std::optional<std::string> FromFieldProblem(const Message& message);

// Converts every LF not preceded by CR into CRLF. Returns true if anything
// changed. Exposed for intake paths that keep bytes without parsing.
bool NormalizeLineEndings(std::string& bytes);

// ASCII case-insensitive equality, as header field names compare. Inline:
// header selection calls it for every (h= name, field) pair, and most pairs
// differ in length.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

}  // namespace dkim

#endif  // LISTD_DKIM_MESSAGE_H_
