// ASCII case folding, the only case folding mail needs for domains, header
// field names, tag values and DNS names (none of which are compared in any
// other script's case rules).
#ifndef LISTD_BASE_ASCII_H_
#define LISTD_BASE_ASCII_H_

#include <string>
#include <string_view>

namespace base {

// `c` lower-cased if it is an ASCII capital letter.
inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// `text` with its ASCII capitals lower-cased; other bytes unchanged.
inline std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

}  // namespace base

#endif  // LISTD_BASE_ASCII_H_
