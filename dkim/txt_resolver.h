// TxtResolver: the DNS seam of dkim/. DKIM keys (RFC 6376 section 3.6.2),
// and later DMARC and ARC, all need TXT records; everything above this
// interface is pure and testable with StaticTxtResolver, everything below it
// is libunbound (UnboundTxtResolver, unbound_txt_resolver.h).
//
// Contract: LookupTxt never throws; each TXT record's character-strings are
// joined into one string (RFC 6376 section 3.6.2.2). Implementations say
// whether they are thread-safe.
#ifndef LISTD_DKIM_TXT_RESOLVER_H_
#define LISTD_DKIM_TXT_RESOLVER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dkim {

struct TxtAnswer {
  enum class Status {
    kFound,     // records holds one entry per TXT record (may be empty strings)
    kNoRecord,  // NXDOMAIN, or the name exists without TXT records
    kTempFail,  // SERVFAIL, timeout, network: try again later
    kPermFail,  // a malformed answer or name
  };
  Status status = Status::kNoRecord;
  std::vector<std::string> records;
  uint32_t ttl = 0;          // seconds the answer may be cached
  bool dnssec_secure = false;  // validated by DNSSEC (when known)
  bool dnssec_bogus = false;
  std::string error;         // for kTempFail / kPermFail: what happened
};

class TxtResolver {
 public:
  virtual ~TxtResolver() = default;
  // Looks up the TXT records at `name` (no trailing dot needed).
  virtual TxtAnswer LookupTxt(const std::string& name) = 0;
  // Looks up several names; implementations may resolve them concurrently.
  virtual std::vector<TxtAnswer> LookupTxtMany(const std::vector<std::string>& names);
};

// A fixed table, for unit tests. Names are matched case-insensitively,
// without a trailing dot; absent names are kNoRecord.
class StaticTxtResolver : public TxtResolver {
 public:
  // Adds one TXT record at `name`.
  void Add(const std::string& name, const std::string& record);
  // Makes `name` answer with `status` (e.g. kTempFail).
  void SetStatus(const std::string& name, TxtAnswer::Status status);
  TxtAnswer LookupTxt(const std::string& name) override;
  // How many lookups were made (to prove caching above this layer).
  int lookups() const { return lookups_; }

 private:
  std::map<std::string, TxtAnswer> table_;
  int lookups_ = 0;
};

}  // namespace dkim

#endif  // LISTD_DKIM_TXT_RESOLVER_H_
