// Header selection, RFC 6376 section 5.4.2.
#include "dkim/header_selection.h"

namespace dkim {

void AppendSelectedHeaders(const Message& message, const std::vector<std::string>& names,
                           Canon canon, std::string& out) {
  const std::vector<HeaderField>& fields = message.headers();
  // used[k] marks fields already taken by an earlier h= entry. Headers are
  // few (tens), so a linear scan per name beats any index; the marks live on
  // the stack for the usual message and on the heap only for huge headers.
  constexpr size_t kOnStack = 128;
  unsigned char on_stack[kOnStack] = {};
  std::vector<unsigned char> on_heap(fields.size() > kOnStack ? fields.size() : 0, 0);
  unsigned char* used = fields.size() > kOnStack ? on_heap.data() : on_stack;
  for (const std::string& name : names) {
    for (size_t k = fields.size(); k-- > 0;) {
      if (!used[k] && EqualsIgnoreCase(fields[k].name, name)) {
        used[k] = 1;
        AppendCanonicalHeader(canon, fields[k].raw, out);
        break;
      }
    }
  }
}

std::vector<std::string> SplitFieldNames(std::string_view list) {
  std::vector<std::string> names;
  for (size_t start = 0; start <= list.size();) {
    size_t end = list.find(':', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view name = list.substr(start, end - start);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!name.empty()) names.emplace_back(name);
    start = end + 1;
  }
  return names;
}

}  // namespace dkim
