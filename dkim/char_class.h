// Byte classes for the parsers on the verify path (tag lists, base64,
// relaxed canonicalization): one table lookup per byte instead of a chain
// of comparisons, because these loops run over every signature's b= and
// every signed header of every message.
#ifndef LISTD_DKIM_CHAR_CLASS_H_
#define LISTD_DKIM_CHAR_CLASS_H_

#include <array>
#include <cstdint>

namespace dkim {

enum CharClass : uint8_t {
  kFws = 1,      // SP, HTAB, CR, LF (RFC 6376 FWS)
  kWspOrCr = 2,  // SP, HTAB, CR: where relaxed header canonicalization acts
  kValChar = 4,  // RFC 6376 VALCHAR: %x21-3A / %x3C-7E
};

// Class bits of each byte.
inline const std::array<uint8_t, 256>& CharClasses() {
  static const std::array<uint8_t, 256> table = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0x21; c <= 0x7e; ++c) {
      if (c != ';') t[c] |= kValChar;
    }
    for (int c : {' ', '\t', '\r', '\n'}) t[c] |= kFws;
    for (int c : {' ', '\t', '\r'}) t[c] |= kWspOrCr;
    return t;
  }();
  return table;
}

inline bool HasClass(char c, CharClass cls) {
  return (CharClasses()[static_cast<unsigned char>(c)] & cls) != 0;
}

}  // namespace dkim

#endif  // LISTD_DKIM_CHAR_CLASS_H_
