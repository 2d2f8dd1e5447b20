// Text lines of mail a person wrote (text_lines.h says what and why; the
// STANDARDS and LIMITS are there).
#include "listd/inbound/text_lines.h"

#include <cstdint>

#include "base/ascii.h"

namespace listd::inbound {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at text[i] and its code point, or
// 0 when the bytes there are not one.
size_t DecodeOne(std::string_view text, size_t i, uint32_t& code_point) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    code_point = c;
    return 1;
  }
  size_t length = 0;
  uint32_t minimum = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    code_point = c & 0x1Fu;
    minimum = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    code_point = c & 0x0Fu;
    minimum = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    code_point = c & 0x07u;
    minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto d = static_cast<unsigned char>(text[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (d & 0x3Fu);
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

// Characters a quoted line must not carry: they end lines or reorder what
// a reader sees (Unicode UAX #9 explicit formatting characters).
bool IsUnsafe(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && base::LowerAscii(text.substr(0, prefix.size())) == prefix;
}

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         base::LowerAscii(text.substr(text.size() - suffix.size())) == suffix;
}

bool IsBlank(std::string_view line) { return TrimBlanks(line).empty(); }

}  // namespace

std::string ValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    uint32_t code_point = 0;
    size_t length = DecodeOne(bytes, i, code_point);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(bytes.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string_view CutUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // text[end] is the first byte left out: a continuation byte there means
  // the character it belongs to would be split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string SafeLine(std::string_view text, size_t max_bytes) {
  // One pass that stops once the line is known to be too long: the result
  // is the first max_bytes of it anyway, and a bounce may hand over
  // megabytes (a caller that made a safe line of each of many candidates
  // of a big text took seconds, found by bounce_fuzzer).
  std::string out;
  size_t start = std::string::npos;  // the first byte that is not a space
  size_t i = 0;
  while (i < text.size()) {
    uint32_t code_point = 0;
    size_t length = DecodeOne(text, i, code_point);
    if (length == 0) {
      out += kReplacement;  // a byte that is not valid UTF-8
      length = 1;
    } else if (code_point == '\t' || code_point == ' ') {
      out += ' ';
    } else if (!IsUnsafe(code_point)) {
      out.append(text, i, length);
    }
    i += length;
    if (start == std::string::npos) {
      start = out.find_first_not_of(' ');
    } else if (out.size() - start > max_bytes && out.back() != ' ') {
      break;  // longer than max_bytes whatever follows: it will be cut
    }
  }
  std::string trimmed(TrimBlanks(out));
  if (trimmed.size() <= max_bytes) return trimmed;
  constexpr std::string_view kEllipsis = "...";
  if (max_bytes < kEllipsis.size()) return std::string(CutUtf8(trimmed, max_bytes));
  return std::string(CutUtf8(trimmed, max_bytes - kEllipsis.size())) + std::string(kEllipsis);
}

std::string_view TrimBlanks(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string StripReplyPrefixes(std::string_view subject) {
  std::string_view rest = TrimBlanks(subject);
  bool stripped = true;
  while (stripped) {
    stripped = false;
    // "fwd" before "fw", or "Fwd:" would be read as "Fw" + "d:".
    for (std::string_view prefix : {"re", "fwd", "fw", "aw"}) {
      if (!StartsWithIgnoreCase(rest, prefix)) continue;
      std::string_view after = TrimBlanks(rest.substr(prefix.size()));
      if (after.empty() || after.front() != ':') continue;
      rest = TrimBlanks(after.substr(1));
      stripped = true;
      break;
    }
  }
  return std::string(rest);
}

bool IsQuoted(std::string_view line) {
  std::string_view trimmed = TrimBlanks(line);
  return !trimmed.empty() && trimmed.front() == '>';
}

bool IsSeparator(std::string_view line) {
  // "-- " loses its space to the trim; a line of just "--" is taken as one
  // too (clients and people drop the space).
  std::string_view trimmed = TrimBlanks(line);
  if (trimmed == "--") return true;
  if (StartsWithIgnoreCase(trimmed, "-----original message-----")) return true;
  return trimmed.size() >= 10 && trimmed.find_first_not_of('_') == std::string_view::npos;
}

std::optional<std::string_view> LineCursor::Next() {
  if (pos_ >= text_.size()) return std::nullopt;
  size_t newline = text_.find('\n', pos_);
  size_t end = newline == std::string_view::npos ? text_.size() : newline;
  std::string_view line = text_.substr(pos_, end - pos_);
  pos_ = newline == std::string_view::npos ? text_.size() : newline + 1;
  return line;
}

std::optional<std::string_view> LineCursor::PeekNonBlank() const {
  LineCursor copy = *this;
  while (std::optional<std::string_view> line = copy.Next()) {
    if (!IsBlank(*line)) return line;
  }
  return std::nullopt;
}

std::pair<std::optional<std::string_view>, std::optional<std::string_view>>
LineCursor::PeekTwoNonBlank() const {
  LineCursor copy = *this;
  std::optional<std::string_view> first;
  while (std::optional<std::string_view> line = copy.Next()) {
    if (IsBlank(*line)) continue;
    if (first) return {first, line};
    first = line;
  }
  return {first, std::nullopt};
}

bool IsAttribution(std::string_view line, const LineCursor& cursor) {
  std::string_view trimmed = TrimBlanks(line);
  if (!trimmed.empty() && trimmed.back() == ':') {
    std::optional<std::string_view> next = cursor.PeekNonBlank();
    if (next && IsQuoted(*next)) return true;
  }
  if (StartsWithIgnoreCase(trimmed, "on ")) {
    auto [second, third] = cursor.PeekTwoNonBlank();
    if (second && EndsWithIgnoreCase(TrimBlanks(*second), "wrote:") && third && IsQuoted(*third)) {
      return true;
    }
  }
  return false;
}

}  // namespace listd::inbound
