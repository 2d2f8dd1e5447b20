// Canonicalization, RFC 6376 section 3.4.
//
// Relaxed body (3.4.4) is computed without copying: the only bytes that
// change are runs of WSP (to one SP, or to nothing before CRLF) and the
// trailing empty lines, so the body is split once into the part that holds
// content and a tail of whitespace and CRLFs, and the content part is handed
// to the sink in long unchanged runs between the WSP runs that need work.
// Relaxed header values are written the same way: words with single SPs
// between them are copied whole, and only WSP runs and folding are edited.
#include "dkim/canonicalization.h"

#include "dkim/cpu.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Position of the next byte in [pos, end) where relaxed output differs from
// input: a TAB, or a SP followed by WSP or CR, and for header values
// (kCrIsEdit) also every CR, since unfolding drops CRLF there while a body
// keeps it. The byte before `end` is never WSP (the callers trim trailing
// WSP first), so body[p + 1] exists for any SP that matters.
// This scan is most of canonicalization's cost, so it is vectorised: SSE2
// everywhere on x86-64, AVX2 (64 bytes a step) where the CPU has it.
template <bool kCrIsEdit>
size_t NextRelaxedEditScalar(const char* body, size_t pos, size_t end) {
  for (; pos < end; ++pos) {
    char c = body[pos];
    if (c == '\t' || (kCrIsEdit && c == '\r')) return pos;
    if (c == ' ' && pos + 1 < end) {
      char n = body[pos + 1];
      if (n == ' ' || n == '\t' || n == '\r') return pos;
    }
  }
  return end;
}

#if defined(__x86_64__)
template <bool kCrIsEdit>
size_t NextRelaxedEditSse2(const char* body, size_t pos, size_t end) {
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i cr = _mm_set1_epi8('\r');
  while (pos + 17 <= end) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(body + pos));
    __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(body + pos + 1));
    __m128i next_ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(next, sp), _mm_cmpeq_epi8(next, tab)),
                                   _mm_cmpeq_epi8(next, cr));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_and_si128(_mm_cmpeq_epi8(v, sp), next_ws));
    if (kCrIsEdit) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, cr));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return pos + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    pos += 16;
  }
  return NextRelaxedEditScalar<kCrIsEdit>(body, pos, end);
}

template <bool kCrIsEdit>
__attribute__((target("avx2"))) inline __m256i RelaxedEdits32(const char* p) {
  const __m256i sp = _mm256_set1_epi8(' ');
  const __m256i tab = _mm256_set1_epi8('\t');
  const __m256i cr = _mm256_set1_epi8('\r');
  // SP, TAB and CR differ in their low nibble (0, 9, D), so one shuffle of a
  // 16-entry table indexed by that nibble gives back the byte itself exactly
  // for those three; bytes >= 0x80 shuffle to 0 and never match.
  const __m256i wsp_or_cr = _mm256_setr_epi8(
      ' ', -1, -1, -1, -1, -1, -1, -1, -1, '\t', -1, -1, -1, '\r', -1, -1,
      ' ', -1, -1, -1, -1, -1, -1, -1, -1, '\t', -1, -1, -1, '\r', -1, -1);
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
  __m256i next_ws = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(wsp_or_cr, next), next);
  __m256i hit = _mm256_or_si256(_mm256_cmpeq_epi8(v, tab),
                                _mm256_and_si256(_mm256_cmpeq_epi8(v, sp), next_ws));
  if (kCrIsEdit) hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(v, cr));
  return hit;
}

template <bool kCrIsEdit>
__attribute__((target("avx2"))) size_t NextRelaxedEditAvx2(const char* body, size_t pos,
                                                           size_t end) {
  while (pos + 65 <= end) {
    __m256i a = RelaxedEdits32<kCrIsEdit>(body + pos);
    __m256i b = RelaxedEdits32<kCrIsEdit>(body + pos + 32);
    if (!_mm256_testz_si256(_mm256_or_si256(a, b), _mm256_or_si256(a, b))) {
      uint64_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(a)) |
                      (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(b))) << 32);
      return pos + static_cast<size_t>(__builtin_ctzll(mask));
    }
    pos += 64;
  }
  return NextRelaxedEditSse2<kCrIsEdit>(body, pos, end);
}

#endif

template <bool kCrIsEdit>
size_t NextRelaxedEdit(const char* body, size_t pos, size_t end) {
#if defined(__x86_64__)
  return CpuHasAvx2() ? NextRelaxedEditAvx2<kCrIsEdit>(body, pos, end)
                      : NextRelaxedEditSse2<kCrIsEdit>(body, pos, end);
#else
  return NextRelaxedEditScalar<kCrIsEdit>(body, pos, end);
#endif
}

// Relaxed header canonicalization (3.4.2) of a field value that may arrive
// in pieces (the signature field with its b= value cut out): unfold (drop
// CRLF), squeeze WSP runs to one SP, drop the value's leading and trailing
// WSP. The state between pieces is whether output was written and whether a
// WSP run is pending; unchanged runs (words with single SPs between them)
// are appended whole, which is most of a header.
class RelaxedValueWriter {
 public:
  explicit RelaxedValueWriter(std::string& out) : out_(out) {}

  // Appends the canonical form of `piece`, the next bytes of the value. A
  // piece must not end inside a CRLF pair (see AppendCanonicalHeaderNoCrlf).
  void Append(std::string_view piece) {
    // Trailing WSP of a piece only matters if content follows it.
    size_t n = piece.size();
    while (n > 0 && IsWsp(piece[n - 1])) --n;
    const char* data = piece.data();
    size_t i = 0;
    while (i < n) {
      char c = data[i];
      if (IsWsp(c)) {
        pending_space_ = any_;
        ++i;
        continue;
      }
      if (c == '\r' && i + 1 < n && data[i + 1] == '\n') {
        i += 2;
        continue;
      }
      // Content (a bare CR counts as content, as it is kept) up to the next
      // byte that needs an edit.
      size_t j = NextRelaxedEdit<true>(data, i + 1, n);
      if (pending_space_) out_.push_back(' ');
      pending_space_ = false;
      out_.append(data + i, j - i);
      any_ = true;
      i = j;
    }
    if (n < piece.size()) pending_space_ = any_;
  }

 private:
  std::string& out_;
  bool pending_space_ = false;
  bool any_ = false;
};

// The field name of `raw` lower-cased with WSP before the colon dropped, then
// the colon; returns the bytes after the colon.
std::string_view AppendRelaxedName(std::string_view raw, std::string& out) {
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) colon = raw.size();
  std::string_view name = raw.substr(0, colon);
  while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
  size_t start = out.size();
  out.append(name);
  for (size_t k = start; k < out.size(); ++k) out[k] = Lower(out[k]);
  out.push_back(':');
  return colon < raw.size() ? raw.substr(colon + 1) : std::string_view{};
}

std::string_view WithoutFinalCrlf(std::string_view s) {
  if (s.size() >= 2 && s.substr(s.size() - 2) == "\r\n") s.remove_suffix(2);
  return s;
}

// Relaxed header canonicalization of `raw` (3.4.2), without the final CRLF.
void AppendRelaxedHeader(std::string_view raw, std::string& out) {
  std::string_view value = AppendRelaxedName(raw, out);
  RelaxedValueWriter(out).Append(WithoutFinalCrlf(value));
}

// Length of `body` without its trailing CRLFs (simple) or without its
// trailing run of WSP and CRLFs (relaxed).
size_t ContentEnd(Canon canon, std::string_view body) {
  size_t end = body.size();
  while (true) {
    if (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n') {
      end -= 2;
    } else if (canon == Canon::kRelaxed && end >= 1 && IsWsp(body[end - 1])) {
      end -= 1;
    } else {
      return end;
    }
  }
}

}  // namespace

Result<Canonicalization> ParseCanonicalization(std::string_view text) {
  auto parse_one = [](std::string_view s) -> std::optional<Canon> {
    if (s == "simple") return Canon::kSimple;
    if (s == "relaxed") return Canon::kRelaxed;
    return std::nullopt;
  };
  size_t slash = text.find('/');
  std::string_view h = text.substr(0, slash);
  std::optional<Canon> header = parse_one(h);
  if (!header) return Error{"unknown header canonicalization '" + std::string(h) + "'"};
  Canonicalization c{*header, Canon::kSimple};
  if (slash != std::string_view::npos) {
    std::string_view b = text.substr(slash + 1);
    std::optional<Canon> body = parse_one(b);
    if (!body) return Error{"unknown body canonicalization '" + std::string(b) + "'"};
    c.body = *body;
  }
  return c;
}

std::string_view ToString(Canon c) { return c == Canon::kSimple ? "simple" : "relaxed"; }

std::string ToString(Canonicalization c) {
  return std::string(ToString(c.header)) + "/" + std::string(ToString(c.body));
}

void AppendCanonicalHeader(Canon canon, std::string_view raw, std::string& out) {
  if (canon == Canon::kSimple) {
    out.append(raw);
    if (raw.size() < 2 || raw.substr(raw.size() - 2) != "\r\n") out.append("\r\n");
    return;
  }
  AppendRelaxedHeader(raw, out);
  out.append("\r\n");
}

void AppendCanonicalHeaderNoCrlf(Canon canon, std::string_view raw, std::string& out) {
  if (canon == Canon::kSimple) {
    out.append(WithoutFinalCrlf(raw));
    return;
  }
  AppendRelaxedHeader(raw, out);
}

void AppendCanonicalHeaderNoCrlf(Canon canon, std::string_view head, std::string_view tail,
                                 std::string& out) {
  // The pieces are canonicalized one after the other, which equals
  // canonicalizing the joined text unless the cut splits a CRLF, leaves the
  // colon out of `head` or leaves the final CRLF to strip in `head`; those
  // odd cuts take the joined copy.
  if (tail.size() < 2 || (!head.empty() && head.back() == '\r') ||
      head.find(':') == std::string_view::npos) {
    std::string joined;
    joined.reserve(head.size() + tail.size());
    joined.append(head).append(tail);
    AppendCanonicalHeaderNoCrlf(canon, joined, out);
    return;
  }
  if (canon == Canon::kSimple) {
    out.append(head);
    out.append(WithoutFinalCrlf(tail));
    return;
  }
  RelaxedValueWriter writer(out);
  writer.Append(AppendRelaxedName(head, out));
  writer.Append(WithoutFinalCrlf(tail));
}

uint64_t CanonicalizeBody(Canon canon, std::string_view body, const BodySink& sink) {
  static constexpr std::string_view kCrlf = "\r\n";
  size_t end = ContentEnd(canon, body);
  if (end == 0) {
    // 3.4.3: an empty body is one CRLF under simple; 3.4.4: nothing under relaxed.
    if (canon == Canon::kRelaxed) return 0;
    sink(kCrlf);
    return 2;
  }
  if (canon == Canon::kSimple) {
    sink(body.substr(0, end));
    sink(kCrlf);
    return end + 2;
  }
  uint64_t total = 0;
  const char* data = body.data();
  size_t run_start = 0;
  size_t pos = 0;
  while (true) {
    size_t edit = NextRelaxedEdit<false>(data, pos, end);
    if (edit >= end) break;
    size_t after = edit;
    while (after < end && IsWsp(data[after])) ++after;
    bool at_line_end =
        after + 1 < body.size() && data[after] == '\r' && data[after + 1] == '\n';
    if (at_line_end) {
      // WSP at the end of a line disappears.
      sink(body.substr(run_start, edit - run_start));
      total += edit - run_start;
      run_start = after;
    } else if (after - edit == 1 && data[edit] == ' ') {
      // A single SP before a bare CR: unchanged, keep the run going.
    } else {
      sink(body.substr(run_start, edit - run_start));
      sink(" ");
      total += edit - run_start + 1;
      run_start = after;
    }
    pos = after;
  }
  sink(body.substr(run_start, end - run_start));
  sink(kCrlf);
  return total + (end - run_start) + 2;
}

std::string CanonicalBody(Canon canon, std::string_view body) {
  std::string out;
  CanonicalizeBody(canon, body, [&out](std::string_view run) { out.append(run); });
  return out;
}

}  // namespace dkim
