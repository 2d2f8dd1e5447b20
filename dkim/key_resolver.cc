// Key lookup and caching, RFC 6376 sections 3.6.2 and 6.1.2.
#include "dkim/key_resolver.h"

#include <chrono>

namespace dkim {

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// KeyRecordName into `name`, reusing its storage: the cache is consulted
// with this name for every signature verified.
void AssignKeyRecordName(std::string_view selector, std::string_view domain, std::string& name) {
  name.clear();
  name.append(selector).append("._domainkey.").append(domain);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  if (!name.empty() && name.back() == '.') name.pop_back();
}

}  // namespace

std::string KeyRecordName(std::string_view selector, std::string_view domain) {
  std::string name;
  AssignKeyRecordName(selector, domain, name);
  return name;
}

std::vector<KeyLookup> KeyResolver::LookupMany(
    const std::vector<std::pair<std::string, std::string>>& selector_domain) {
  std::vector<KeyLookup> out;
  out.reserve(selector_domain.size());
  for (const auto& [selector, domain] : selector_domain) out.push_back(Lookup(selector, domain));
  return out;
}

DnsKeyResolver::DnsKeyResolver(TxtResolver& dns, Clock clock, size_t max_entries)
    : dns_(dns), clock_(std::move(clock)), max_entries_(max_entries) {}

KeyLookup DnsKeyResolver::FromAnswer(const TxtAnswer& answer) const {
  KeyLookup lookup;
  lookup.dnssec_secure = answer.dnssec_secure;
  switch (answer.status) {
    case TxtAnswer::Status::kNoRecord:
      lookup.status = KeyLookup::Status::kNoKey;
      lookup.error = "no key record";
      return lookup;
    case TxtAnswer::Status::kTempFail:
      lookup.status = KeyLookup::Status::kTempFail;
      lookup.error = "key lookup failed: " + (answer.error.empty() ? "DNS error" : answer.error);
      return lookup;
    case TxtAnswer::Status::kPermFail:
      lookup.status = KeyLookup::Status::kPermFail;
      lookup.error = "key lookup failed: " + answer.error;
      return lookup;
    case TxtAnswer::Status::kFound:
      break;
  }
  if (answer.records.empty()) {
    lookup.status = KeyLookup::Status::kNoKey;
    lookup.error = "no key record";
    return lookup;
  }
  // Section 3.6.2.2 lets a verifier pick among several records; we take the
  // first that parses, and report the first error if none does.
  std::string first_error;
  for (const std::string& text : answer.records) {
    Result<KeyRecord> record = ParseKeyRecord(text);
    if (record.ok()) {
      lookup.status = KeyLookup::Status::kFound;
      lookup.record = std::make_shared<const KeyRecord>(std::move(*record));
      return lookup;
    }
    if (first_error.empty()) first_error = record.error();
  }
  lookup.status = KeyLookup::Status::kPermFail;
  lookup.error = first_error;
  return lookup;
}

const KeyLookup* DnsKeyResolver::Cached(const std::string& name) {
  auto it = cache_.find(name);
  if (it == cache_.end()) return nullptr;
  if (it->second.expires_at <= clock_()) {
    cache_.erase(it);
    return nullptr;
  }
  return &it->second.lookup;
}

void DnsKeyResolver::Remember(const std::string& name, const KeyLookup& lookup, uint32_t ttl) {
  // Temporary failures are not cached: the next message should try again.
  if (lookup.status == KeyLookup::Status::kTempFail || ttl == 0 || max_entries_ == 0) return;
  if (cache_.size() >= max_entries_) cache_.erase(cache_.begin());
  cache_[name] = CacheEntry{lookup, clock_() + ttl};
}

KeyLookup DnsKeyResolver::Lookup(std::string_view selector, std::string_view domain) {
  return LookupMany({{std::string(selector), std::string(domain)}}).front();
}

std::vector<KeyLookup> DnsKeyResolver::LookupMany(
    const std::vector<std::pair<std::string, std::string>>& selector_domain) {
  std::vector<KeyLookup> out(selector_domain.size());
  std::vector<std::string> names;
  std::vector<size_t> missing;
  for (size_t i = 0; i < selector_domain.size(); ++i) {
    AssignKeyRecordName(selector_domain[i].first, selector_domain[i].second, name_);
    if (const KeyLookup* hit = Cached(name_)) {
      out[i] = *hit;
    } else {
      names.push_back(name_);
      missing.push_back(i);
    }
  }
  if (names.empty()) return out;
  std::vector<TxtAnswer> answers = dns_.LookupTxtMany(names);
  for (size_t j = 0; j < missing.size(); ++j) {
    out[missing[j]] = FromAnswer(answers[j]);
    Remember(names[j], out[missing[j]], answers[j].ttl);
  }
  return out;
}

}  // namespace dkim
