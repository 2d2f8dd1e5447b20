// DMARC policy discovery, RFC 7489 section 6.6.3: which TXT record, if
// any, holds the policy for an author domain. Only the DNS part: the text
// is parsed by ParseDmarcRecord (dmarc_record.h), alignment is
// DmarcEvaluator's (dmarc_evaluator.h). Kept apart so that a caller that
// only wants to know what a domain publishes (listctl doctor) can use it.
//
// STANDARDS
//   RFC 7489 section 6.6.3 steps 1-5: query _dmarc.<domain>; discard TXT
//   records that do not start with v=DMARC1; if none remain, query
//   _dmarc.<organizational domain> (when different) the same way; more
//   than one remaining record means no policy. Section 6.1 names the
//   _dmarc prefix.
//
// LIMITS
//   At most two lookups. A temporary DNS failure at either name ends
//   discovery with kTempError (the section leaves DNS errors to the
//   receiver; guessing "no record" would let failing mail through
//   unmitigated). A permanent DNS error ends it with kPermError.
//
// Thread-safety: as the resolver passed in.
#ifndef LISTD_DKIM_DMARC_DISCOVERY_H_
#define LISTD_DKIM_DMARC_DISCOVERY_H_

#include <string>
#include <vector>

#include "dkim/txt_resolver.h"

namespace dkim {

struct DmarcDiscovery {
  enum class Outcome {
    kNone,       // no v=DMARC1 record at the domain nor its organizational domain
    kFound,      // exactly one: record_text
    kMultiple,   // more than one at `domain` (step 5: no DMARC processing)
    kTempError,  // DNS failed for now at `domain`: try again later
    kPermError,  // DNS answered with a permanent error at `domain`
  };
  Outcome outcome = Outcome::kNone;
  std::string domain;                     // where the record was found, or the last name asked
  std::string record_text;                // kFound: the record; kMultiple: the first one
  bool at_organizational_domain = false;  // `domain` is the fallback (step 3)
  std::string error;                      // kTempError / kPermError: what DNS said
};

// Discovers the policy record for `author_domain` (lower-case, no trailing
// dot; see NormalizeDomainName).
DmarcDiscovery DiscoverDmarcRecord(const std::string& author_domain, TxtResolver& dns);

// Every name DiscoverDmarcRecord may ask for `author_domain`, in its order:
// _dmarc.<author_domain>, then _dmarc.<organizational domain> when that is
// a different name. For asking them ahead, together (txt_memo.h).
std::vector<std::string> DmarcRecordNames(const std::string& author_domain);

}  // namespace dkim

#endif  // LISTD_DKIM_DMARC_DISCOVERY_H_
