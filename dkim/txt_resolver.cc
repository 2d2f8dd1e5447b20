// The default LookupTxtMany and StaticTxtResolver (txt_resolver.h).
#include "dkim/txt_resolver.h"

#include <algorithm>
#include <cctype>

namespace dkim {
namespace {

// The table's key: DNS names compare case-insensitively (RFC 4343) and the
// root dot is optional.
std::string TableKey(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

// Long enough that a cache above us visibly keeps answers (lookups() stays).
constexpr uint32_t kStaticTtl = 3600;

}  // namespace

std::vector<TxtAnswer> TxtResolver::LookupTxtMany(const std::vector<std::string>& names) {
  std::vector<TxtAnswer> answers;
  answers.reserve(names.size());
  for (const std::string& name : names) answers.push_back(LookupTxt(name));
  return answers;
}

void StaticTxtResolver::Add(const std::string& name, const std::string& record) {
  TxtAnswer& entry = table_[TableKey(name)];
  entry.status = TxtAnswer::Status::kFound;
  entry.records.push_back(record);
}

void StaticTxtResolver::SetStatus(const std::string& name, TxtAnswer::Status status) {
  table_[TableKey(name)].status = status;
}

TxtAnswer StaticTxtResolver::LookupTxt(const std::string& name) {
  ++lookups_;
  TxtAnswer answer;
  answer.ttl = kStaticTtl;
  auto it = table_.find(TableKey(name));
  if (it == table_.end()) return answer;  // kNoRecord, like NXDOMAIN
  answer.status = it->second.status;
  switch (answer.status) {
    case TxtAnswer::Status::kFound:
      answer.records = it->second.records;
      break;
    case TxtAnswer::Status::kNoRecord:
      break;
    case TxtAnswer::Status::kTempFail:
      answer.ttl = 0;
      answer.error = "static table: temporary failure for " + name;
      break;
    case TxtAnswer::Status::kPermFail:
      answer.ttl = 0;
      answer.error = "static table: permanent failure for " + name;
      break;
  }
  return answer;
}

}  // namespace dkim
