// DMARC policy discovery, RFC 7489 section 6.6.3 (dmarc_discovery.h).
#include "dkim/dmarc_discovery.h"

#include "dkim/dmarc_record.h"
#include "dkim/organizational_domain.h"

namespace dkim {
namespace {

// Steps 1-2 (or 3-4): one name's v=DMARC1 records.
DmarcDiscovery LookUpAt(const std::string& domain, TxtResolver& dns) {
  DmarcDiscovery found;
  found.domain = domain;
  TxtAnswer answer = dns.LookupTxt("_dmarc." + domain);
  switch (answer.status) {
    case TxtAnswer::Status::kTempFail:
      found.outcome = DmarcDiscovery::Outcome::kTempError;
      found.error = answer.error;
      return found;
    case TxtAnswer::Status::kPermFail:
      found.outcome = DmarcDiscovery::Outcome::kPermError;
      found.error = answer.error;
      return found;
    case TxtAnswer::Status::kNoRecord:
      return found;
    case TxtAnswer::Status::kFound:
      break;
  }
  size_t count = 0;
  for (const std::string& text : answer.records) {
    if (!StartsWithDmarcVersion(text)) continue;  // step 2: not a DMARC record
    if (count++ == 0) found.record_text = text;
  }
  if (count == 1) found.outcome = DmarcDiscovery::Outcome::kFound;
  if (count > 1) found.outcome = DmarcDiscovery::Outcome::kMultiple;
  return found;
}

}  // namespace

DmarcDiscovery DiscoverDmarcRecord(const std::string& author_domain, TxtResolver& dns) {
  DmarcDiscovery at_author = LookUpAt(author_domain, dns);
  if (at_author.outcome != DmarcDiscovery::Outcome::kNone) return at_author;
  // Step 3: the organizational domain, if it is a different name.
  const std::string organizational = OrganizationalDomain(author_domain);
  if (organizational.empty() || organizational == author_domain) return at_author;
  DmarcDiscovery at_org = LookUpAt(organizational, dns);
  at_org.at_organizational_domain = true;
  return at_org;
}

std::vector<std::string> DmarcRecordNames(const std::string& author_domain) {
  std::vector<std::string> names{"_dmarc." + author_domain};
  const std::string organizational = OrganizationalDomain(author_domain);
  if (!organizational.empty() && organizational != author_domain) {
    names.push_back("_dmarc." + organizational);
  }
  return names;
}

}  // namespace dkim
