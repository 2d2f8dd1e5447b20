// The header limit (see header_limit.h).
#include "listd/pipeline/header_limit.h"

namespace listd::pipeline {

size_t CountHeaderFields(std::string_view message, size_t stop_after) {
  size_t fields = 0;
  size_t line = 0;
  while (line < message.size() && fields <= stop_after) {
    const size_t end = message.find('\n', line);
    const std::string_view text =
        message.substr(line, end == std::string_view::npos ? std::string_view::npos : end - line);
    if (text.empty() || text == "\r") break;  // the blank line: the body follows
    if (text.front() != ' ' && text.front() != '\t') ++fields;
    if (end == std::string_view::npos) break;
    line = end + 1;
  }
  return fields;
}

std::optional<std::string> HeaderLimitProblem(std::string_view message, size_t max_fields) {
  const size_t fields = CountHeaderFields(message, max_fields);
  if (fields <= max_fields) return std::nullopt;
  return "the header has more than " + std::to_string(max_fields) +
         " fields (listd --max-header-fields); held before verification";
}

}  // namespace listd::pipeline
