// Canonicalization, RFC 6376 section 3.4: "simple" and "relaxed" for header
// fields (3.4.1, 3.4.2) and bodies (3.4.3, 3.4.4), and the c= tag.
//
// Body canonicalization is the hot path of signing and verifying: it is
// written to hand long unchanged runs of the body straight to the hash, so a
// typical body costs one scan plus one SHA-256 pass (see bench/).
//
// Empty bodies: simple gives "\r\n" (3.4.3), relaxed gives "" (3.4.4, with
// erratum 1384's CRLF added to a non-empty body that lacks one).
#ifndef LISTD_DKIM_CANONICALIZATION_H_
#define LISTD_DKIM_CANONICALIZATION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "dkim/result.h"

namespace dkim {

enum class Canon { kSimple, kRelaxed };

// The c= pair: header algorithm / body algorithm.
struct Canonicalization {
  Canon header = Canon::kSimple;
  Canon body = Canon::kSimple;
};

// Parses a c= value: "relaxed/simple", or "relaxed" meaning relaxed/simple
// (section 3.5, c=). Unknown names are an error.
Result<Canonicalization> ParseCanonicalization(std::string_view text);
// "relaxed/relaxed" etc.
std::string ToString(Canonicalization c);
std::string_view ToString(Canon c);

// Appends the canonical form of one header field to `out`. `raw` is the
// whole field as received ("Name: value\r\n"); the output ends with CRLF.
void AppendCanonicalHeader(Canon canon, std::string_view raw, std::string& out);

// Appends the canonical form of a DKIM-Signature (or similar) field that is
// being signed or verified, i.e. without the trailing CRLF (section 3.7).
void AppendCanonicalHeaderNoCrlf(Canon canon, std::string_view raw, std::string& out);
// The same for a field given as two pieces, `head` then `tail` (the field
// with its b= value cut out, section 3.7), without building the joined copy.
void AppendCanonicalHeaderNoCrlf(Canon canon, std::string_view head, std::string_view tail,
                                 std::string& out);

// Receives the canonical body as a sequence of byte runs.
using BodySink = std::function<void(std::string_view)>;

// Canonicalizes `body`, handing the output to `sink` in order, in as few
// runs as the algorithm allows. Returns the total canonical length.
uint64_t CanonicalizeBody(Canon canon, std::string_view body, const BodySink& sink);

// Convenience for tests and tools: the canonical body as one string.
std::string CanonicalBody(Canon canon, std::string_view body);

}  // namespace dkim

#endif  // LISTD_DKIM_CANONICALIZATION_H_
