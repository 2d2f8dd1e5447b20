// Tag-list parsing, RFC 6376 section 3.2.
#include "dkim/tag_list.h"

namespace dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<TagList> TagList::Parse(std::string_view text) {
  TagList list;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t semi = text.find(';', pos);
    size_t end = semi == std::string_view::npos ? text.size() : semi;
    std::string_view spec = text.substr(pos, end - pos);
    bool last = semi == std::string_view::npos;
    std::string_view trimmed = TrimFws(spec);
    if (trimmed.empty()) {
      // Allowed only as the (empty) spec after a trailing ';', or an empty list.
      if (last) break;
      return Error{"empty tag-spec (';;') in tag list"};
    }
    size_t eq = trimmed.find('=');
    if (eq == std::string_view::npos) {
      return Error{"tag-spec '" + std::string(trimmed) + "' has no '='"};
    }
    std::string_view name = TrimFws(trimmed.substr(0, eq));
    std::string_view value = TrimFws(trimmed.substr(eq + 1));
    if (name.empty() || !IsAlpha(name[0])) {
      return Error{"invalid tag name '" + std::string(name) + "'"};
    }
    for (char c : name) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '_') {
        return Error{"invalid tag name '" + std::string(name) + "'"};
      }
    }
    for (size_t i = 0; i < value.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(value[i]);
      if (IsFws(static_cast<char>(c))) {
        // FWS inside a value must be proper folding: CR only before LF, LF
        // only after CR and followed by WSP.
        if (c == '\r' && (i + 1 >= value.size() || value[i + 1] != '\n')) {
          return Error{"bare CR in value of tag " + std::string(name) + "="};
        }
        if (c == '\n' && (i + 1 >= value.size() || !IsWsp(value[i + 1]))) {
          return Error{"line break not followed by whitespace in tag " + std::string(name) + "="};
        }
        continue;
      }
      // VALCHAR = %x21-3A / %x3C-7E.
      if (c < 0x21 || c > 0x7e) {
        return Error{"invalid character in value of tag " + std::string(name) + "="};
      }
    }
    for (const Tag& t : list.tags_) {
      if (t.name == name) return Error{"duplicate tag " + std::string(name) + "="};
    }
    list.tags_.push_back(Tag{name, value});
    if (last) break;
    pos = end + 1;
  }
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
  out.reserve(value.size());
  for (char c : value) {
    if (!IsFws(c)) out.push_back(c);
  }
  return out;
}

}  // namespace dkim
