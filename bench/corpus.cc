#include "bench/corpus.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace bench {
namespace {

// Common English words of mixed lengths, so line breaks fall unevenly.
constexpr std::string_view kWords[] = {
    "the",       "of",        "and",      "to",        "in",       "is",        "that",
    "for",       "it",        "as",       "was",       "with",     "be",        "by",
    "on",        "not",       "he",       "this",      "are",      "or",        "his",
    "from",      "at",        "which",    "but",       "have",     "an",        "had",
    "they",      "you",       "were",     "their",     "one",      "all",       "we",
    "can",       "her",       "has",      "there",     "been",     "if",        "more",
    "when",      "will",      "would",    "who",       "so",       "no",        "meeting",
    "release",   "proposal",  "schedule", "question",  "thanks",   "server",    "version",
    "patch",     "review",    "agreed",   "tomorrow",  "probably", "otherwise", "changes",
    "configure", "mailing",   "list",     "archive",   "draft",    "problem",   "because",
    "something", "everyone",  "should",   "could",     "perhaps",  "before",    "after",
    "discussed", "according", "previous", "following", "attached", "document",  "summary",
    "decision",  "community", "members",  "support",   "testing",  "results",   "package",
    "upstream",  "details",   "issue",    "week",      "time",     "people"};

constexpr std::string_view kHeaders =
    "From: Alice Example <alice@example.org>\r\n"
    "To: Discussion List <discuss@lists.example.net>\r\n"
    "Subject: Re: Notes from the planning meeting on Thursday\r\n"
    "Date: Tue, 18 Nov 2025 09:41:27 +0100\r\n"
    "Message-ID: <20251118094127.4f2a9c1e@mail.example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n";

constexpr size_t kLineWidth = 72;

// A small deterministic generator (64-bit LCG, Knuth's MMIX constants): the
// exact word sequence must not depend on the standard library's version.
class WordSource {
 public:
  std::string_view Next() { return kWords[Draw(std::size(kWords))]; }
  // A number in [0, n).
  size_t Draw(size_t n) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state_ >> 33) % n);
  }

 private:
  uint64_t state_ = 0x5eed;
};

// One line of words, at most `width` characters, no trailing space.
std::string MakeLine(WordSource& words, size_t width) {
  std::string line;
  while (true) {
    std::string_view word = words.Next();
    const size_t needed = line.empty() ? word.size() : line.size() + 1 + word.size();
    if (needed > width) break;
    if (!line.empty()) line += ' ';
    line += word;
  }
  return line;
}

// Pads `line` to exactly `width` with real words (or a full stop), so the
// last line of the body looks like the others.
std::string FillLine(std::string line, size_t width) {
  // A word of each length 1..9.
  constexpr std::array<std::string_view, 10> kByLength = {
      "", "a", "of", "the", "that", "which", "agreed", "meeting", "proposal", "something"};
  constexpr size_t kLongest = kByLength.size() - 1;
  while (line.size() < width) {
    const size_t gap = width - line.size();
    if (line.empty()) {
      line += kByLength[std::min(gap, kLongest)];
    } else if (gap == 1) {
      line += '.';
    } else {
      line += ' ';
      line += kByLength[std::min(gap - 1, kLongest)];
    }
  }
  return line;
}

}  // namespace

std::string MakePlainTextEmail(size_t size) {
  if (size < kMinEmailSize) size = kMinEmailSize;
  std::string message(kHeaders);
  message.reserve(size);
  WordSource words;
  size_t lines_left_in_paragraph = 3 + words.Draw(6);
  // Full lines while a full line and a last line still fit.
  while (size - message.size() > 2 * (kLineWidth + 2) + 2) {
    if (lines_left_in_paragraph == 0) {
      message += "\r\n";  // paragraph break
      lines_left_in_paragraph = 3 + words.Draw(6);
      continue;
    }
    message += MakeLine(words, kLineWidth);
    message += "\r\n";
    --lines_left_in_paragraph;
  }
  // The last lines take exactly the bytes that remain; each leaves either
  // nothing or room for one more line of at least one character.
  while (message.size() < size) {
    const size_t remaining = size - message.size();  // includes the CRLF
    const size_t width =
        remaining - 2 <= kLineWidth ? remaining - 2 : std::min(kLineWidth, remaining - 5);
    message += FillLine(MakeLine(words, width), width);
    message += "\r\n";
  }
  return message;
}

}  // namespace bench
