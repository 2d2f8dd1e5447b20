// FindNonVisible: the first byte outside visible US-ASCII (%x21-7E), i.e. a
// space, a control character or an 8-bit byte. The tag-list, FWS-stripping
// and relaxed-header loops spend most of their time crossing long runs of
// visible characters (b= values, header text); this finds the end of such a
// run 16 bytes a step.
#ifndef LISTD_DKIM_BYTE_SCAN_H_
#define LISTD_DKIM_BYTE_SCAN_H_

#include <cstddef>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace dkim {

// Index of the first byte of [from, size) not in %x21-7E, or `size`.
inline size_t FindNonVisible(const char* data, size_t from, size_t size) {
  size_t i = from;
#if defined(__x86_64__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7f);
  while (i + 16 <= size) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    // Signed compares: 8-bit bytes are negative, so they fail "> 0x20".
    __m128i visible = _mm_and_si128(_mm_cmpgt_epi8(v, space), _mm_cmplt_epi8(v, del));
    unsigned mask = ~static_cast<unsigned>(_mm_movemask_epi8(visible)) & 0xffffu;
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  for (; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c <= 0x20 || c >= 0x7f) return i;
  }
  return size;
}

}  // namespace dkim

#endif  // LISTD_DKIM_BYTE_SCAN_H_
