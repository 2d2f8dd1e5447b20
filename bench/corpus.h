// Benchmark mail: a plain-text message as people write them to a list.
//
// The header section holds the fields a typical client writes (From, To,
// Subject, Date, Message-ID, MIME-Version, Content-Type); the body is
// paragraphs of English words, one space apart, wrapped near 72 columns,
// CRLF line endings. Generated from a fixed seed, so every run hashes the
// same bytes and figures from different runs compare.
#ifndef LISTD_BENCH_CORPUS_H_
#define LISTD_BENCH_CORPUS_H_

#include <cstddef>
#include <string>

namespace bench {

// Smallest size MakePlainTextEmail accepts: the headers plus a few lines.
inline constexpr size_t kMinEmailSize = 1024;

// A whole message of exactly `size` bytes (>= kMinEmailSize).
std::string MakePlainTextEmail(size_t size);

}  // namespace bench

#endif  // LISTD_BENCH_CORPUS_H_
