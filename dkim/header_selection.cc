// Header selection, RFC 6376 section 5.4.2.
#include "dkim/header_selection.h"

namespace dkim {

void AppendSelectedHeaders(const Message& message, const std::vector<std::string>& names,
                           Canon canon, std::string& out) {
  const std::vector<HeaderField>& fields = message.headers();
  // used[k] marks fields already taken by an earlier h= entry. Headers are
  // few (tens), so a linear scan per name beats any index.
  std::vector<bool> used(fields.size(), false);
  for (const std::string& name : names) {
    for (size_t k = fields.size(); k-- > 0;) {
      if (!used[k] && EqualsIgnoreCase(fields[k].name, name)) {
        used[k] = true;
        AppendCanonicalHeader(canon, fields[k].raw, out);
        break;
      }
    }
  }
}

}  // namespace dkim
