// Text lines of mail a person wrote, the helpers the command and
// moderation-reply parsers share: UTF-8 made valid and cut safely, a line
// made safe to quote back in a reply, reply prefixes taken off a Subject,
// and the lines where what a person wrote ends (a signature, a quote, the
// "On ... wrote:" line above a quote).
//
// Contract: pure functions on UTF-8 text with LF line ends (what
// FirstTextOf returns). LineCursor walks a text one line at a time without
// splitting it first, so a caller that stops early pays only for the lines
// it read. Thread-safety: plain functions and a value type.
//
// STANDARDS
//   RFC 3629 section 3 (well-formed UTF-8), RFC 3676 section 4.3 (the
//   signature separator "-- "), section 4.5 (quote marks), RFC 5322
//   section 3.6.5 (Subject; "Re: " is the usual reply prefix, by custom).
//
// LIMITS
//   Reply prefixes known: Re, Fwd, Fw, AW (German "Antwort"). Others
//   ("SV:", "WG:", "Re[2]:") stay in the Subject. Attribution lines are
//   recognised by their form only (a trailing ':' before a quote), in any
//   language.
#ifndef LISTD_LISTD_INBOUND_TEXT_LINES_H_
#define LISTD_LISTD_INBOUND_TEXT_LINES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace listd::inbound {

// `bytes` with every byte that is not part of a valid UTF-8 sequence (RFC
// 3629 section 3: no overlong forms, no surrogates, nothing above U+10FFFF)
// replaced by U+FFFD.
std::string ValidUtf8(std::string_view bytes);

// The longest prefix of UTF-8 `text` of at most `max_bytes` bytes that does
// not end inside a character.
std::string_view CutUtf8(std::string_view text, size_t max_bytes);

// `text` as one line safe to quote in a reply: valid UTF-8, tabs as
// spaces, C0 and C1 controls, DEL, line and paragraph separators and bidi
// overrides removed, trimmed, and at most `max_bytes` bytes (a longer line
// is cut and ends in "...").
std::string SafeLine(std::string_view text, size_t max_bytes);

// `text` without spaces and tabs (and a CR) at either end.
std::string_view TrimBlanks(std::string_view text);

// A Subject with its reply and forward prefixes ("Re:", "Fwd:", "Fw:",
// "AW:", any case, repeated, with or without a space after) removed and
// trimmed.
std::string StripReplyPrefixes(std::string_view subject);

// A quoted line: its first non-blank character is '>' (RFC 3676 section
// 4.5 quote marks; most clients write them for plain text replies too).
bool IsQuoted(std::string_view line);

// Where a person's own text ends, before any quote: a signature separator
// ("-- " or "--" alone, RFC 3676 section 4.3), Outlook's
// "-----Original Message-----" or its line of underscores.
bool IsSeparator(std::string_view line);

// Reads the lines of a text one at a time (LF ends a line; a final line
// without LF counts).
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  // The next line without its LF, or nullopt at the end.
  std::optional<std::string_view> Next();
  // The next non-blank line, without consuming anything.
  std::optional<std::string_view> PeekNonBlank() const;
  // The two next non-blank lines, without consuming anything (the second
  // may be absent).
  std::pair<std::optional<std::string_view>, std::optional<std::string_view>> PeekTwoNonBlank()
      const;

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Whether `line`, read from `cursor` (already consumed), opens the quote
// that follows it: a line ending in ':' whose next non-blank line is quoted
// ("On Tue, Alice wrote:", "Am Dienstag schrieb Alice:"), or a line
// starting "On " whose next line ends in "wrote:" and is followed by a
// quote (the attribution a client wrapped in two).
bool IsAttribution(std::string_view line, const LineCursor& cursor);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_TEXT_LINES_H_
