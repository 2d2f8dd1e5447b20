// Message parsing: header fields as spans over the received bytes.
// RFC 5322 section 2.2 (fields, folding), section 2.1 (header/body split).
#include "dkim/message.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "dkim/cpu.h"

namespace dkim {

namespace {

// Offset of the first LF not preceded by CR, or npos. Every message passes
// through here at intake, so the common all-CRLF case is scanned 64 bytes a
// step where AVX2 exists.
size_t FindBareLfScalar(std::string_view bytes, size_t from) {
  for (size_t i = bytes.find('\n', from); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    if (i == 0 || bytes[i - 1] != '\r') return i;
  }
  return std::string_view::npos;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) inline uint32_t BareLfMask32(const char* p) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - 1));
  __m256i lf = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'));
  __m256i after_cr = _mm256_cmpeq_epi8(prev, _mm256_set1_epi8('\r'));
  return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_andnot_si256(after_cr, lf)));
}

// The bare LFs of 32 bytes as a byte mask, without leaving the vector unit.
__attribute__((target("avx2"))) inline __m256i BareLfBytes32(const char* p) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - 1));
  return _mm256_andnot_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('\r')),
                             _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
}

__attribute__((target("avx2"))) size_t FindBareLfAvx2(std::string_view bytes) {
  if (!bytes.empty() && bytes[0] == '\n') return 0;
  size_t pos = 1;  // each step also reads the byte before it
  const char* data = bytes.data();
  // Bare LFs are rare: 128 bytes are tested at once, and a block that holds
  // one is searched again below for the exact position.
  while (pos + 128 <= bytes.size()) {
    __m256i any = _mm256_or_si256(
        _mm256_or_si256(BareLfBytes32(data + pos), BareLfBytes32(data + pos + 32)),
        _mm256_or_si256(BareLfBytes32(data + pos + 64), BareLfBytes32(data + pos + 96)));
    if (!_mm256_testz_si256(any, any)) break;
    pos += 128;
  }
  while (pos + 64 <= bytes.size()) {
    uint64_t mask = BareLfMask32(data + pos) |
                    (static_cast<uint64_t>(BareLfMask32(data + pos + 32)) << 32);
    if (mask != 0) return pos + static_cast<size_t>(__builtin_ctzll(mask));
    pos += 64;
  }
  return FindBareLfScalar(bytes, pos);
}
#endif

size_t FindBareLf(std::string_view bytes) {
#if defined(__x86_64__)
  if (CpuHasAvx2()) return FindBareLfAvx2(bytes);
#endif
  return FindBareLfScalar(bytes, 0);
}

}  // namespace

bool NormalizeLineEndings(std::string& bytes) {
  // Fast path: most mail already arrives with CRLF only.
  size_t first = FindBareLf(bytes);
  if (first == std::string::npos) return false;
  size_t bare = 0;
  for (size_t i = first; (i = bytes.find('\n', i)) != std::string::npos; ++i) {
    if (i == 0 || bytes[i - 1] != '\r') ++bare;
  }
  std::string out;
  out.reserve(bytes.size() + bare);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) out.push_back('\r');
    out.push_back(bytes[i]);
  }
  bytes.swap(out);
  return true;
}

std::string_view HeaderField::value() const {
  std::string_view v = raw.substr(name.size());
  // Skip WSP between the name and the colon (obsolete syntax, RFC 5322 4.5).
  size_t colon = v.find(':');
  v.remove_prefix(colon == std::string_view::npos ? v.size() : colon + 1);
  if (v.size() >= 2 && v.substr(v.size() - 2) == "\r\n") v.remove_suffix(2);
  return v;
}

Result<Message> Message::Parse(std::string bytes) {
  Message m;
  m.headers_.reserve(32);
  m.had_bare_lf_ = NormalizeLineEndings(bytes);
  m.bytes_ = std::make_unique<const std::string>(std::move(bytes));
  std::string_view all = *m.bytes_;

  size_t pos = 0;
  size_t line_number = 0;
  while (pos < all.size()) {
    ++line_number;
    // After normalisation every LF ends a CRLF, so the next LF marks the
    // next CRLF (a single-byte search is cheaper than a two-byte one).
    size_t lf = all.find('\n', pos);
    size_t eol = lf == std::string_view::npos ? lf : lf - 1;
    size_t line_end = eol == std::string_view::npos ? all.size() : eol;
    size_t next = eol == std::string_view::npos ? all.size() : eol + 2;
    if (line_end == pos) {  // the empty line: the body follows
      m.body_ = all.substr(next);
      return m;
    }
    char first = all[pos];
    if (first == ' ' || first == '\t') {
      if (m.headers_.empty()) {
        return Error{"line 1 of the header starts with whitespace (a continuation of nothing)"};
      }
      HeaderField& last = m.headers_.back();
      last.raw = all.substr(last.raw.data() - all.data(), next - (last.raw.data() - all.data()));
      pos = next;
      continue;
    }
    std::string_view line = all.substr(pos, line_end - pos);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error{"header line " + std::to_string(line_number) +
                   " is not a field (no name followed by ':')"};
    }
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    for (char c : name) {
      // RFC 5322 ftext: printable US-ASCII except ':'.
      if (c <= 32 || c >= 127) {
        return Error{"header line " + std::to_string(line_number) +
                     " has an invalid field name"};
      }
    }
    m.headers_.push_back(HeaderField{name, all.substr(pos, next - pos)});
    pos = next;
  }
  // No empty line: the message is all header and has no body.
  m.body_ = all.substr(all.size());
  return m;
}

std::optional<std::string> FromFieldProblem(const Message& message) {
  size_t count = 0;
  for (const HeaderField& field : message.headers()) count += EqualsIgnoreCase(field.name, "From");
  if (count == 1) return std::nullopt;
  if (count == 0) return std::string("the message has no From field (RFC 5322 section 3.6)");
  return "the message has " + std::to_string(count) +
         " From fields; RFC 5322 section 3.6 allows one";
}

std::vector<const HeaderField*> Message::FieldsNamed(std::string_view name) const {
  std::vector<const HeaderField*> out;
  for (const HeaderField& f : headers_) {
    if (EqualsIgnoreCase(f.name, name)) out.push_back(&f);
  }
  return out;
}

}  // namespace dkim
