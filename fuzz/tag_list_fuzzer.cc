// Fuzz target: the RFC 6376 section 3.2 tag-list reader (dkim/tag_list.h).
//
// The reader has a fast path (ReadSimple, 16 bytes a step) and a careful
// one; here both are checked against a plain reading of the grammar as
// tag_list.h states it: specs split at ';', WSP and CRLF trimmed from their
// ends, a name of ALPHA *(ALPHA / DIGIT / "_"), a value of VALCHAR and WSP
// with CRLF only as folding before WSP (a lone CR or LF anywhere is an
// error), no duplicate names, an empty spec only last.
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dkim/tag_list.h"
#include "fuzz_input.h"

namespace {

bool Wsp(char c) { return c == ' ' || c == '\t'; }
bool Alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool Digit(char c) { return c >= '0' && c <= '9'; }

// WSP and CRLF off both ends (a lone CR or LF is not whitespace).
std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    if (Wsp(s.front())) {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s.substr(0, 2) == "\r\n") {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (Wsp(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\r\n") {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

bool ValidName(std::string_view name) {
  if (name.empty() || !Alpha(name[0])) return false;
  for (char c : name) {
    if (!Alpha(c) && !Digit(c) && c != '_') return false;
  }
  return true;
}

bool ValidValue(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if ((c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e) || Wsp(value[i])) continue;
    // CRLF is folding only when WSP follows.
    if (c == '\r' && i + 2 < value.size() && value[i + 1] == '\n' && Wsp(value[i + 2])) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// nullopt-like: ok=false on any error.
struct Reading {
  bool ok = true;
  std::vector<std::pair<std::string_view, std::string_view>> tags;
};

Reading Reference(std::string_view text) {
  Reading r;
  std::set<std::string_view> seen;
  size_t pos = 0;
  while (true) {
    size_t semi = text.find(';', pos);
    bool last = semi == std::string_view::npos;
    size_t end = last ? text.size() : semi;
    std::string_view spec = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (spec.empty()) {
      if (!last) r.ok = false;
      return r;
    }
    size_t eq = spec.find('=');
    if (eq == std::string_view::npos) return Reading{false, {}};
    std::string_view name = Trim(spec.substr(0, eq));
    std::string_view value = Trim(spec.substr(eq + 1));
    if (!ValidName(name) || !ValidValue(value) || !seen.insert(name).second) {
      return Reading{false, {}};
    }
    r.tags.emplace_back(name, value);
    if (last) return r;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  const std::string_view text = listd_fuzz::Text(data, size);
  const Reading expected = Reference(text);

  dkim::TagReader reader(text);
  dkim::Tag tag;
  std::vector<std::pair<std::string_view, std::string_view>> read;
  while (reader.Next(tag)) read.emplace_back(tag.name, tag.value);
  Check(reader.error().empty() == expected.ok, "TagReader fails exactly when the grammar does");
  if (expected.ok) Check(read == expected.tags, "TagReader reads the grammar's tags");

  auto list = dkim::TagList::Parse(text);
  Check(list.ok() == expected.ok, "TagList::Parse fails exactly when the grammar does");
  if (list.ok()) {
    for (const dkim::Tag& t : list->tags()) {
      Check(t.name.data() >= text.data() && t.value.data() + t.value.size() <= text.data() + size,
            "tags are views into the text");
      Check(list->Get(t.name).has_value(), "Get finds every tag");
      std::string stripped = dkim::StripWhitespace(t.value);
      Check(stripped.find_first_of(" \t\r\n") == std::string::npos, "StripWhitespace strips FWS");
    }
  }
  return 0;
}
