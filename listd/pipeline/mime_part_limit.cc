// The MIME part limit (see mime_part_limit.h).
#include "listd/pipeline/mime_part_limit.h"

#include <unordered_set>

#include "base/ascii.h"

namespace listd::pipeline {
namespace {

// Each boundary="..." or boundary=token in `message`, wherever it stands
// (any part's Content-Type may declare one; folding does not split a
// parameter's value). Case-insensitive name, value as written.
std::unordered_set<std::string> DeclaredBoundaries(std::string_view message) {
  std::unordered_set<std::string> boundaries;
  constexpr std::string_view kName = "boundary";
  for (size_t at = 0; at + kName.size() <= message.size(); ++at) {
    if (base::LowerAscii(message[at]) != 'b') continue;
    bool named = true;
    for (size_t k = 1; k < kName.size() && named; ++k) {
      named = base::LowerAscii(message[at + k]) == kName[k];
    }
    if (!named) continue;
    size_t p = at + kName.size();
    while (p < message.size() && (message[p] == ' ' || message[p] == '\t')) ++p;
    if (p >= message.size() || message[p] != '=') continue;
    ++p;
    while (p < message.size() && (message[p] == ' ' || message[p] == '\t')) ++p;
    std::string value;
    if (p < message.size() && message[p] == '"') {
      const size_t close = message.find('"', p + 1);
      if (close == std::string_view::npos) continue;
      value = std::string(message.substr(p + 1, close - p - 1));
    } else {
      const size_t end = message.find_first_of(" \t\r\n;", p);
      value = std::string(message.substr(p, end == std::string_view::npos ? end : end - p));
    }
    // RFC 2046 section 5.1.1: 1 to 70 characters.
    if (!value.empty() && value.size() <= 70) boundaries.insert(std::move(value));
  }
  return boundaries;
}

}  // namespace

size_t CountMimeParts(std::string_view message, size_t stop_after) {
  const std::unordered_set<std::string> boundaries = DeclaredBoundaries(message);
  if (boundaries.empty()) return 1;
  size_t parts = 0;
  std::string candidate;
  for (size_t line = 0; line < message.size() && parts <= stop_after;) {
    const size_t end = message.find('\n', line);
    const size_t stop = end == std::string_view::npos ? message.size() : end;
    if (stop - line > 2 && message[line] == '-' && message[line + 1] == '-') {
      // "--" boundary, then optional "--" (the close) and blanks.
      std::string_view rest = message.substr(line + 2, stop - line - 2);
      while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ' || rest.back() == '\t')) {
        rest.remove_suffix(1);
      }
      candidate.assign(rest);
      if (boundaries.count(candidate) > 0) ++parts;  // an opening delimiter
    }
    if (end == std::string_view::npos) break;
    line = end + 1;
  }
  return parts == 0 ? 1 : parts;
}

std::optional<std::string> MimePartLimitProblem(std::string_view message, size_t max_parts) {
  if (CountMimeParts(message, max_parts) <= max_parts) return std::nullopt;
  return "the message has more than " + std::to_string(max_parts) +
         " MIME parts (listd --max-mime-parts); held before verification";
}

}  // namespace listd::pipeline
