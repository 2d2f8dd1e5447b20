// Template names: how a setting names a template file (a footer, later the
// notices and pages), checked the same way where the setting is stored
// (listd/settings) and where the file is read (listd/mime/template_files.h):
// a file name of letters, digits, '.', '_' and '-' ending in ".mustache",
// not starting with '.' or '-', at most 100 bytes, and never a path.
#ifndef LISTD_BASE_TEMPLATE_NAME_H_
#define LISTD_BASE_TEMPLATE_NAME_H_

#include <string_view>

namespace base {

// Whether `name` is a template name (see above).
inline bool IsTemplateName(std::string_view name) {
  constexpr std::string_view kSuffix = ".mustache";
  if (name.size() <= kSuffix.size() || name.size() > 100) return false;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  if (name.front() == '.' || name.front() == '-') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace base

#endif  // LISTD_BASE_TEMPLATE_NAME_H_
