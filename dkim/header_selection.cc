// Header selection, RFC 6376 section 5.4.2.
//
// The usual message has tens of fields and an h= of ten or twenty names;
// for it a scan from the bottom per name is the fastest way and allocates
// nothing. Past a small amount of work (names x fields) the fields are
// indexed by lower-cased name once, each name keeping a cursor into its
// instances from the bottom up, so selection stays linear however many
// fields or h= entries a message brings. Both ways select the same fields.
#include "dkim/header_selection.h"

#include <algorithm>
#include <unordered_map>

#include "base/ascii.h"

namespace dkim {
namespace {

// names x fields below which the plain scan is used.
constexpr size_t kScanWork = 4096;

void SelectByScan(const std::vector<HeaderField>& fields, const std::vector<std::string>& names,
                  Canon canon, std::string& out) {
  // used[k] marks fields already taken by an earlier h= entry; on the stack
  // (kScanWork bounds the fields when there is at least one name).
  unsigned char used[kScanWork] = {};
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

// The instances of one field name, bottom first, and how many are taken.
struct Instances {
  std::vector<size_t> bottom_up;
  size_t taken = 0;
};

void SelectByIndex(const std::vector<HeaderField>& fields, const std::vector<std::string>& names,
                   Canon canon, std::string& out) {
  std::unordered_map<std::string, Instances> by_name;
  by_name.reserve(std::min(fields.size(), names.size()) + 1);
  // Only names h= asks for are indexed: a field nobody selects costs a
  // lookup, not an entry.
  for (const std::string& name : names) by_name.try_emplace(base::LowerAscii(name));
  for (size_t k = fields.size(); k-- > 0;) {
    auto it = by_name.find(base::LowerAscii(fields[k].name));
    if (it != by_name.end()) it->second.bottom_up.push_back(k);
  }
  std::string key;
  for (const std::string& name : names) {
    key = base::LowerAscii(name);
    Instances& instances = by_name.find(key)->second;
    if (instances.taken == instances.bottom_up.size()) continue;  // none left: nothing
    AppendCanonicalHeader(canon, fields[instances.bottom_up[instances.taken++]].raw, out);
  }
}

}  // namespace

void AppendSelectedHeaders(const Message& message, const std::vector<std::string>& names,
                           Canon canon, std::string& out) {
  const std::vector<HeaderField>& fields = message.headers();
  if (names.empty()) return;
  if (fields.size() <= kScanWork / names.size()) {
    SelectByScan(fields, names, canon, out);
  } else {
    SelectByIndex(fields, names, canon, out);
  }
}

std::vector<std::string> SignedFieldNames(const Message& message,
                                          const std::vector<std::string>& headers,
                                          const std::vector<std::string>& oversign) {
  // One pass over the fields counts every requested name.
  std::unordered_map<std::string, size_t> present;
  for (const std::string& name : headers) present.try_emplace(base::LowerAscii(name), 0);
  for (const HeaderField& field : message.headers()) {
    auto it = present.find(base::LowerAscii(field.name));
    if (it != present.end()) ++it->second;
  }
  std::vector<std::string> names;
  for (const std::string& name : headers) {
    size_t count = present[base::LowerAscii(name)];
    for (const std::string& extra : oversign) {
      if (EqualsIgnoreCase(extra, name)) {
        ++count;
        break;
      }
    }
    count = std::min(count, kMaxSignedInstancesPerName);
    names.insert(names.end(), count, name);
  }
  return names;
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
