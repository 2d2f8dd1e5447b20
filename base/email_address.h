// EmailAddress: an addr-spec split into local part and domain, the way
// listd compares addresses: the domain case-insensitively (it is stored
// lower-cased), the local part exactly as given (RFC 5321 section 2.4 lets
// the receiving host decide what case means there).
//
// Parse() accepts "local@domain" and "Display Name <local@domain>" (the
// forms a member import file holds), and rejects anything a list could not
// deliver to, or a name holding a control character, saying why (kind
// invalid).
#ifndef LISTD_BASE_EMAIL_ADDRESS_H_
#define LISTD_BASE_EMAIL_ADDRESS_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace base {

// RFC 5322 section 3.2.3: atext, the characters of an atom.
bool IsAtext(char c);
// RFC 5322 section 3.2.3 dot-atom-text: atext runs joined by single dots.
bool IsDotAtom(std::string_view s);

struct EmailAddress {
  std::string local_part;    // as given
  std::string domain;        // lower-cased
  std::string display_name;  // may be empty

  // "local@domain".
  std::string ToString() const { return local_part + "@" + domain; }
  bool operator==(const EmailAddress& o) const {
    return local_part == o.local_part && domain == o.domain;
  }

  // Parses "local@domain" or "Name <local@domain>"; surrounding whitespace
  // is ignored. Errors read like "no '@' in 'joe.example.org'".
  static Result<EmailAddress> Parse(std::string_view text);
};

}  // namespace base

#endif  // LISTD_BASE_EMAIL_ADDRESS_H_
