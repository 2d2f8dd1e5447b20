// Tag-list parsing, RFC 6376 section 3.2.
#include "dkim/tag_list.h"

#include <cstdint>

#include "dkim/byte_scan.h"
#include "dkim/char_class.h"

namespace dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsFws(char c) { return HasClass(c, kFws); }
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
  list.tags_.reserve(16);
  uint64_t one_letter_names = 0;  // bit (c & 63) for each one-letter name c seen
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
    // Visible characters are VALCHAR (';' cannot occur: it split the specs);
    // only the bytes between runs of them need a closer look.
    for (size_t i = FindNonVisible(value.data(), 0, value.size()); i < value.size();
         i = FindNonVisible(value.data(), i + 1, value.size())) {
      unsigned char c = static_cast<unsigned char>(value[i]);
      if (HasClass(static_cast<char>(c), kFws)) {
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
      // Neither VALCHAR (%x21-3A / %x3C-7E) nor FWS.
      return Error{"invalid character in value of tag " + std::string(name) + "="};
    }
    // Most tag names are one letter; those are checked against a bit set,
    // the rest against the earlier names.
    bool duplicate = false;
    if (name.size() == 1) {
      uint64_t bit = uint64_t{1} << (static_cast<unsigned char>(name[0]) & 63);
      duplicate = (one_letter_names & bit) != 0;
      one_letter_names |= bit;
    } else {
      for (const Tag& t : list.tags_) duplicate = duplicate || t.name == name;
    }
    if (duplicate) return Error{"duplicate tag " + std::string(name) + "="};
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
  // Copies the runs between whitespace whole: b= values are hundreds of
  // bytes in a few folded lines, and this runs for every signature verified.
  std::string out;
  out.reserve(value.size());
  size_t i = 0;
  while (i < value.size()) {
    size_t j = FindNonVisible(value.data(), i, value.size());
    while (j < value.size() && !IsFws(value[j])) j = FindNonVisible(value.data(), j + 1, value.size());
    out.append(value.data() + i, j - i);
    while (j < value.size() && IsFws(value[j])) ++j;
    i = j;
  }
  return out;
}

}  // namespace dkim
