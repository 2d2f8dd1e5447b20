// Doctor: reads a list's signing configuration the way a receiver would
// meet it, and names every problem with its fix.
//
// What is examined, and where the rule comes from:
//   - no key signs (error): the list's mail goes out unsigned; keys of one
//     algorithm only (note/warning, RFC 8463 section 6 on signing with both)
//   - RSA key size: under 1024 bits (error: verifiers MUST NOT accept it),
//     under 2048 (warning: signers SHOULD use 2048), RFC 8301 section 3.2
//   - the published key record of each active key: missing or different
//     from the stored key (error), DNS not answering (warning: could not
//     check), t=y testing (note); generated keys waiting for publication,
//     retired keys whose record went away too early
//   - one selector holding keys of two algorithms (RFC 8463 section 6: "the
//     signatures have to use different selectors"; RFC 6376 section 3.6.2.2:
//     a verifier may use any of several records at one name)
//   - DMARC identifier alignment of the signing domain with the list's
//     domain (RFC 7489 section 3.1.1), and whether the list's domain (or its
//     organizational domain) publishes a DMARC record (RFC 7489 section
//     6.6.3)
//
//   The organizational domain is libpsl's (dkim/organizational_domain.h)
//   and the DMARC record is found as receivers find it
//   (dkim/dmarc_discovery.h), so lists.example.co.uk and example.co.uk
//   align while two registrants under co.uk do not.
//
// Contract: read-only; DNS is the caller's resolver, the clock the caller's.
#ifndef LISTD_LISTD_SERVICE_DOCTOR_H_
#define LISTD_LISTD_SERVICE_DOCTOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/txt_resolver.h"
#include "storage/store.h"

namespace listd::service {

enum class Severity { kError, kWarning, kNote };
// "error", "warning", "note".
std::string_view ToString(Severity severity);

struct Finding {
  Severity severity = Severity::kNote;
  std::string code;     // stable identifier for scripts: "no-active-key", ...
  std::string message;  // what is wrong, in a sentence
  std::string fix;      // what to do about it
};

struct DoctorReport {
  std::string list;               // the list's address
  std::string signing_domain;     // d=
  std::vector<Finding> findings;  // errors first, then warnings, then notes

  // Whether any finding is an error.
  bool HasErrors() const;
};

// Examines the list at `list`, looking records up through `dns`.
base::Result<DoctorReport> Diagnose(storage::Store& store, std::string_view list,
                                    dkim::TxtResolver& dns, int64_t now);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_DOCTOR_H_
