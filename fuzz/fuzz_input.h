// Helpers the fuzz targets share: the input as text, split into pieces.
//
// Several targets take a sequence (reads of a connection, turns of a
// dialogue) rather than one string; the fuzzer's bytes are split at 0x01,
// a byte mail text hardly uses, so a seed is readable and any mutation is
// still a valid sequence. A failed property calls Fail(), which prints the
// property and aborts, so libFuzzer keeps the input as a crash.
#ifndef LISTD_FUZZ_FUZZ_INPUT_H_
#define LISTD_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace listd_fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// `text` cut at every 0x01 (the separators dropped; empty pieces kept).
inline std::vector<std::string_view> Pieces(std::string_view text) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\x01') {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return pieces;
}

// Reports a broken property and aborts (a finding for libFuzzer).
[[noreturn]] inline void Fail(const char* property) {
  std::fprintf(stderr, "property failed: %s\n", property);
  std::abort();
}

inline void Check(bool holds, const char* property) {
  if (!holds) Fail(property);
}

// Whether `text` holds a control byte (C0 or DEL): what may not reach a
// header field or a one-line diagnostic.
inline bool HasControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Whether every CR is followed by LF and every LF follows a CR.
inline bool CrlfOnly(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
  }
  return true;
}

// `text` with every bare CR and bare LF made CRLF, as the LMTP session
// stores data (listd/lmtp/session.h): the form posts reach the pipeline in.
inline std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "\r\n";
      ++i;
    } else if (text[i] == '\r' || text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace listd_fuzz

#endif  // LISTD_FUZZ_FUZZ_INPUT_H_
