// KeyResolver: finds the public key for a (selector, domain) pair, RFC 6376
// section 3.6.2: a TXT lookup at <selector>._domainkey.<domain>, then
// ParseKeyRecord. DnsKeyResolver caches parsed records for the DNS TTL so a
// busy verifier parses each key once (bounded: at most `max_entries`).
//
// Outcomes map onto RFC 6376 section 6.1.2: no record -> permerror "no key",
// DNS trouble -> temperror, unparseable record -> permerror with the reason.
//
// Not thread-safe: give each worker thread its own DnsKeyResolver (the
// TxtResolver beneath may be shared if it says it is thread-safe).
#ifndef LISTD_DKIM_KEY_RESOLVER_H_
#define LISTD_DKIM_KEY_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dkim/key_record.h"
#include "dkim/txt_resolver.h"

namespace dkim {

struct KeyLookup {
  enum class Status { kFound, kNoKey, kTempFail, kPermFail };
  Status status = Status::kNoKey;
  std::shared_ptr<const KeyRecord> record;  // set when kFound
  std::string error;                        // otherwise: why
  bool dnssec_secure = false;
};

class KeyResolver {
 public:
  virtual ~KeyResolver() = default;
  // The key at <selector>._domainkey.<domain>.
  virtual KeyLookup Lookup(std::string_view selector, std::string_view domain) = 0;
  // Several keys at once (resolved concurrently where the DNS layer can).
  virtual std::vector<KeyLookup> LookupMany(
      const std::vector<std::pair<std::string, std::string>>& selector_domain);
};

// Seconds since the epoch; injectable so tests control time.
using Clock = std::function<int64_t()>;
// The system clock.
int64_t SystemNow();

class DnsKeyResolver : public KeyResolver {
 public:
  // `dns` must outlive this resolver.
  explicit DnsKeyResolver(TxtResolver& dns, Clock clock = SystemNow, size_t max_entries = 10000);
  KeyLookup Lookup(std::string_view selector, std::string_view domain) override;
  std::vector<KeyLookup> LookupMany(
      const std::vector<std::pair<std::string, std::string>>& selector_domain) override;

 private:
  struct CacheEntry {
    KeyLookup lookup;
    int64_t expires_at;
  };
  KeyLookup FromAnswer(const TxtAnswer& answer) const;
  void Remember(const std::string& name, const KeyLookup& lookup, uint32_t ttl);
  const KeyLookup* Cached(const std::string& name);

  TxtResolver& dns_;
  Clock clock_;
  size_t max_entries_;
  std::map<std::string, CacheEntry> cache_;
  std::string name_;  // the record name being looked up; kept for its storage
};

// "<selector>._domainkey.<domain>", lower-cased.
std::string KeyRecordName(std::string_view selector, std::string_view domain);

}  // namespace dkim

#endif  // LISTD_DKIM_KEY_RESOLVER_H_
