// PrefetchedKeys (see prefetched_keys.h).
#include "dkim/prefetched_keys.h"

#include <set>

#include "dkim/arc_fields.h"
#include "dkim/tag_list.h"

namespace dkim {

std::vector<std::pair<std::string, std::string>> KeysNamedIn(const Message& message) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const HeaderField& field : message.headers()) {
    if (!EqualsIgnoreCase(field.name, "DKIM-Signature") &&
        !EqualsIgnoreCase(field.name, kArcSealName) &&
        !EqualsIgnoreCase(field.name, kArcMessageSignatureName)) {
      continue;
    }
    Result<TagList> tags = TagList::Parse(field.value());
    if (!tags.ok()) continue;  // the verifier reports it; nothing to fetch
    std::optional<std::string_view> selector = tags->Get("s");
    std::optional<std::string_view> domain = tags->Get("d");
    if (!selector || !domain || selector->empty() || domain->empty()) continue;
    if (!seen.insert(KeyRecordName(*selector, *domain)).second) continue;
    out.emplace_back(std::string(*selector), std::string(*domain));
  }
  return out;
}

PrefetchedKeys::PrefetchedKeys(KeyResolver& keys, const Message& message) : keys_(keys) {
  const std::vector<std::pair<std::string, std::string>> wanted = KeysNamedIn(message);
  if (wanted.empty()) return;
  std::vector<KeyLookup> answers = keys_.LookupMany(wanted);
  for (size_t i = 0; i < wanted.size() && i < answers.size(); ++i) {
    found_.emplace(KeyRecordName(wanted[i].first, wanted[i].second), std::move(answers[i]));
  }
}

KeyLookup PrefetchedKeys::Lookup(std::string_view selector, std::string_view domain) {
  auto it = found_.find(KeyRecordName(selector, domain));
  if (it != found_.end()) return it->second;
  return keys_.Lookup(selector, domain);
}

std::vector<KeyLookup> PrefetchedKeys::LookupMany(
    const std::vector<std::pair<std::string, std::string>>& selector_domain) {
  std::vector<KeyLookup> out(selector_domain.size());
  std::vector<std::pair<std::string, std::string>> rest;
  std::vector<size_t> rest_at;
  for (size_t i = 0; i < selector_domain.size(); ++i) {
    auto it = found_.find(KeyRecordName(selector_domain[i].first, selector_domain[i].second));
    if (it != found_.end()) {
      out[i] = it->second;
    } else {
      rest.push_back(selector_domain[i]);
      rest_at.push_back(i);
    }
  }
  if (!rest.empty()) {
    std::vector<KeyLookup> answers = keys_.LookupMany(rest);
    for (size_t j = 0; j < rest_at.size() && j < answers.size(); ++j) {
      out[rest_at[j]] = std::move(answers[j]);
    }
  }
  return out;
}

}  // namespace dkim
