// Header selection for signing and verifying, RFC 6376 section 5.4.2: each
// name in h= takes the next instance of that field counting from the bottom
// of the header; a name with no instance left contributes nothing (so an
// oversigned name forbids adding that field later).
//
// Shared by Signer, Verifier, ArcSealer and ArcValidator so all hash exactly
// the same bytes. The work is linear in the number of fields plus the
// number of h= names, whatever a hostile message or a crafted h= repeats
// (160,000 To fields selected by 160,000 h= entries once took 10 s; an
// index by name makes it one pass).
#ifndef LISTD_DKIM_HEADER_SELECTION_H_
#define LISTD_DKIM_HEADER_SELECTION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/message.h"

namespace dkim {

// Appends to `out` the canonical form of the fields `names` select in
// `message`, in h= order, each ending with CRLF.
void AppendSelectedHeaders(const Message& message, const std::vector<std::string>& names,
                           Canon canon, std::string& out);

// The most times a signer lists one name in h=. A field that occurs more
// often than this (in a message listd would hold anyway) has only its
// bottom instances signed, which are the ones a verifier selects first.
inline constexpr size_t kMaxSignedInstancesPerName = 32;

// The h= names a signer writes for `message`: each of `headers` once per
// instance present, each of `oversign` once more (RFC 6376 section 8.15),
// at most kMaxSignedInstancesPerName times per name. `headers` and
// `oversign` are expected without duplicates.
std::vector<std::string> SignedFieldNames(const Message& message,
                                          const std::vector<std::string>& headers,
                                          const std::vector<std::string>& oversign);

// The names of a ':'-separated field list, the form h= takes ("From:To"):
// blanks around each name trimmed, empty names skipped.
std::vector<std::string> SplitFieldNames(std::string_view list);

}  // namespace dkim

#endif  // LISTD_DKIM_HEADER_SELECTION_H_
