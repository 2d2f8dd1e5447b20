// DmarcRecord: a domain owner's DMARC policy as published in DNS at
// _dmarc.<domain> (RFC 7489 section 6.1), parsed from its TXT text.
//
// STANDARDS
//   RFC 7489 section 6.3 (tags and their defaults), section 6.4 (syntax),
//   section 6.6.3 step 6 (an invalid p= or sp= with a usable rua= reads as
//   p=none). The record is a DKIM tag-list (RFC 6376 section 3.2,
//   dkim/tag_list.h): duplicate tags and bytes outside VALCHAR are errors.
//
// What is an error (the record is then unusable: ParseDmarcRecord fails and
// the evaluator reports permerror and applies no policy, section 6.6.3 step
// 6.2):
//   - not a tag-list; the first tag is not v=DMARC1 (exact, section 6.3 v)
//   - p= missing or not none/quarantine/reject, or sp= present and not one
//     of those, unless rua= holds at least one valid URI: then the record
//     reads as p=none without sp= (section 6.6.3 step 6.1, policy_from_rua)
// What is not (section 6.3: "Syntax errors in the remainder of the record
// SHOULD be discarded in favor of default values"): a bad adkim=, aspf=,
// pct=, ri=, fo= or a bad URI in rua=/ruf= falls back to the default (or is
// left out) and is named in `warnings`. Unknown tags are ignored (section
// 6.3). p= may appear anywhere after v= (most publishers put it second, as
// the section 6.4 grammar shows, but its comment allows any order).
//
// LIMITS
//   Tag names are case-sensitive (as in DKIM); policy and mode values are
//   not (ABNF strings, RFC 5234 section 2.3). rf= is kept as text unchecked.
//   URIs are checked for a scheme and a non-empty rest only (RFC 3986
//   section 3.1), with the optional "!size[kmgt]" of section 6.4.
//
// Thread-safety: a plain value type; the parser is a pure function.
#ifndef LISTD_DKIM_DMARC_RECORD_H_
#define LISTD_DKIM_DMARC_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/result.h"

namespace dkim {

// What the domain owner asks receivers to do with failing mail (section 6.3 p).
enum class DmarcPolicy { kNone, kQuarantine, kReject };

// "none", "quarantine", "reject".
std::string_view ToString(DmarcPolicy policy);

struct DmarcRecord {
  DmarcPolicy p = DmarcPolicy::kNone;
  std::optional<DmarcPolicy> sp;  // absent: p applies to subdomains too
  bool adkim_strict = false;      // adkim=s (default r)
  bool aspf_strict = false;       // aspf=s (default r)
  int pct = 100;                  // 0..100; sampling is the receiver's business
  std::vector<std::string> rua;   // valid aggregate-report URIs, in order
  std::vector<std::string> ruf;   // valid failure-report URIs, in order
  std::string fo = "0";           // failure-report options, as written
  std::string rf = "afrf";        // failure-report format, as written
  uint32_t ri = 86400;            // seconds between aggregate reports
  // p= was missing or invalid (or sp= invalid) and a valid rua= made the
  // record read as p=none (section 6.6.3 step 6.1).
  bool policy_from_rua = false;
  // Tags whose bad values were replaced by defaults, one sentence each.
  std::vector<std::string> warnings;

  // The policy for mail whose From domain is a subdomain of the domain the
  // record was found at: sp, or p when sp is absent (section 6.3 sp).
  DmarcPolicy SubdomainPolicy() const { return sp.value_or(p); }
};

// Whether `text` starts with the tag v=DMARC1 (section 6.6.3 steps 2 and 4:
// TXT records that do not are not DMARC records and are discarded).
bool StartsWithDmarcVersion(std::string_view text);

// Parses one TXT record's text (its character-strings already joined).
Result<DmarcRecord> ParseDmarcRecord(std::string_view text);

}  // namespace dkim

#endif  // LISTD_DKIM_DMARC_RECORD_H_
