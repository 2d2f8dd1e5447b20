// Tag-list parsing, RFC 6376 section 3.2.
#include "dkim/tag_list.h"

#include <cstdint>
#include <iterator>
#include <utility>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "dkim/byte_scan.h"
#include "dkim/char_class.h"

namespace dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsFws(char c) { return HasClass(c, kFws); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }

// Index of the first byte of [from, size) that is ';' or not visible
// (%x21-7E), or `size`: the end of a tag value, or a byte in it that needs
// a closer look. 16 bytes a step, as FindNonVisible, since b= values are
// hundreds of bytes.
size_t FindSemicolonOrNonVisible(const char* data, size_t from, size_t size) {
  size_t i = from;
#if defined(__x86_64__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7f);
  const __m128i semicolon = _mm_set1_epi8(';');
  while (i + 16 <= size) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    // Signed compares: 8-bit bytes are negative, so they fail "> 0x20".
    __m128i plain = _mm_andnot_si128(_mm_cmpeq_epi8(v, semicolon),
                                     _mm_and_si128(_mm_cmpgt_epi8(v, space), _mm_cmplt_epi8(v, del)));
    unsigned mask = ~static_cast<unsigned>(_mm_movemask_epi8(plain)) & 0xffffu;
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  for (; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c <= 0x20 || c >= 0x7f || c == ';') return i;
  }
  return size;
}

// Trims WSP and CRLF from both ends. A lone CR or LF is not whitespace
// (FWS is [*WSP CRLF] 1*WSP, RFC 5322 section 3.2.2): it stays, and the
// name or value check then refuses it.
std::string_view TrimFws(std::string_view s) {
  while (!s.empty()) {
    if (IsWsp(s.front())) {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s[0] == '\r' && s[1] == '\n') {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (IsWsp(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s[s.size() - 2] == '\r' && s.back() == '\n') {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

// Skips WSP and CRLF-before-WSP from `p`: the fast path's FWS, which leaves
// anything else (a lone CR or LF included) to the careful path.
size_t SkipFoldedWsp(const char* data, size_t p, size_t n) {
  while (p < n) {
    if (IsWsp(data[p])) {
      ++p;
    } else if (data[p] == '\r' && p + 2 < n && data[p + 1] == '\n' && IsWsp(data[p + 2])) {
      p += 3;
    } else {
      break;
    }
  }
  return p;
}

}  // namespace

bool TagReader::Fail(std::string reason) {
  error_ = std::move(reason);
  done_ = true;
  return false;
}

bool TagReader::SeenBefore(std::string_view name) {
  if (name.size() == 1) {
    uint64_t bit = uint64_t{1} << (static_cast<unsigned char>(name[0]) & 63);
    bool seen = (one_letter_names_ & bit) != 0;
    one_letter_names_ |= bit;
    return seen;
  }
  for (size_t k = 0; k < long_name_count_; ++k) {
    if (long_names_[k] == name) return true;
  }
  for (std::string_view earlier : more_long_names_) {
    if (earlier == name) return true;
  }
  if (long_name_count_ < std::size(long_names_)) {
    long_names_[long_name_count_++] = name;
  } else {
    more_long_names_.push_back(name);
  }
  return false;
}

bool TagReader::Next(Tag& tag) {
  if (done_) return false;
  if (!ReadSimple(tag) && !ReadCarefully(tag)) return false;
  if (SeenBefore(tag.name)) return Fail("duplicate tag " + std::string(tag.name) + "=");
  return true;
}

bool TagReader::ReadSimple(Tag& tag) {
  // The shape nearly every tag-spec has, read in one pass: FWS, a valid
  // name, FWS, '=', FWS, then VALCHARs, SP, HTAB and CRLF-before-WSP up to
  // ';' or the end. ReadCarefully would read such a spec the same way and
  // find no error in it; anything else is left to it (and its messages).
  const char* data = text_.data();
  const size_t n = text_.size();
  size_t p = SkipFoldedWsp(data, pos_, n);
  if (p == n || !IsAlpha(data[p])) return false;
  size_t name_begin = p;
  while (p < n && IsNameChar(data[p])) ++p;
  size_t name_end = p;
  p = SkipFoldedWsp(data, p, n);
  if (p == n || data[p] != '=') return false;
  ++p;
  p = SkipFoldedWsp(data, p, n);
  size_t value_begin = p;
  for (p = FindSemicolonOrNonVisible(data, p, n); p < n && data[p] != ';';
       p = FindSemicolonOrNonVisible(data, p, n)) {
    if (IsWsp(data[p])) {
      ++p;
    } else if (data[p] == '\r' && p + 2 < n && data[p + 1] == '\n' && IsWsp(data[p + 2])) {
      p += 3;
    } else {
      return false;
    }
  }
  size_t value_end = p;
  while (value_end > value_begin && IsFws(data[value_end - 1])) --value_end;
  tag = Tag{text_.substr(name_begin, name_end - name_begin),
            text_.substr(value_begin, value_end - value_begin)};
  pos_ = p + 1;
  if (p == n) done_ = true;
  return true;
}

bool TagReader::ReadCarefully(Tag& tag) {
  size_t semi = text_.find(';', pos_);
  bool last = semi == std::string_view::npos;
  size_t end = last ? text_.size() : semi;
  std::string_view trimmed = TrimFws(text_.substr(pos_, end - pos_));
  pos_ = end + 1;
  if (last) done_ = true;
  if (trimmed.empty()) {
    // Allowed only as the (empty) spec after a trailing ';', or an empty list.
    if (last) return false;
    return Fail("empty tag-spec (';;') in tag list");
  }
  size_t eq = trimmed.find('=');
  if (eq == std::string_view::npos) {
    return Fail("tag-spec '" + std::string(trimmed) + "' has no '='");
  }
  std::string_view name = TrimFws(trimmed.substr(0, eq));
  std::string_view value = TrimFws(trimmed.substr(eq + 1));
  if (name.empty() || !IsAlpha(name[0])) {
    return Fail("invalid tag name '" + std::string(name) + "'");
  }
  for (char c : name) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_') {
      return Fail("invalid tag name '" + std::string(name) + "'");
    }
  }
  // Visible characters are VALCHAR (';' cannot occur: it split the specs);
  // only the bytes between runs of them need a closer look.
  for (size_t i = FindNonVisible(value.data(), 0, value.size()); i < value.size();
       i = FindNonVisible(value.data(), i + 1, value.size())) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (HasClass(static_cast<char>(c), kFws)) {
      // FWS inside a value must be proper folding: CR only before LF, LF
      // only after CR and followed by WSP.
      if (c == '\r' && (i + 1 >= value.size() || value[i + 1] != '\n')) {
        return Fail("bare CR in value of tag " + std::string(name) + "=");
      }
      if (c == '\n' && (i == 0 || value[i - 1] != '\r')) {
        return Fail("bare LF (a line break without CR) in value of tag " + std::string(name) + "=");
      }
      if (c == '\n' && (i + 1 >= value.size() || !IsWsp(value[i + 1]))) {
        return Fail("line break not followed by whitespace in tag " + std::string(name) + "=");
      }
      continue;
    }
    // Neither VALCHAR (%x21-3A / %x3C-7E) nor FWS.
    return Fail("invalid character in value of tag " + std::string(name) + "=");
  }
  tag = Tag{name, value};
  return true;
}

Result<TagList> TagList::Parse(std::string_view text) {
  TagList list;
  list.tags_.reserve(16);
  TagReader reader(text);
  Tag tag;
  while (reader.Next(tag)) list.tags_.push_back(tag);
  if (!reader.error().empty()) return Error{std::string(reader.error())};
  return list;
}

std::optional<std::string_view> TagList::Get(std::string_view name) const {
  for (const Tag& t : tags_) {
    if (t.name == name) return t.value;
  }
  return std::nullopt;
}

std::string StripWhitespace(std::string_view value) {
  std::string out;
  AssignWithoutWhitespace(value, out);
  return out;
}

void AssignWithoutWhitespace(std::string_view value, std::string& out) {
  // Copies the runs between whitespace whole: b= values are hundreds of
  // bytes in a few folded lines, and this runs for every signature verified.
  out.clear();
  out.reserve(value.size());
  size_t i = 0;
  while (i < value.size()) {
    size_t j = FindNonVisible(value.data(), i, value.size());
    while (j < value.size() && !IsFws(value[j])) j = FindNonVisible(value.data(), j + 1, value.size());
    out.append(value.data() + i, j - i);
    while (j < value.size() && IsFws(value[j])) ++j;
    i = j;
  }
}

}  // namespace dkim
