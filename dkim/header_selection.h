// Header selection for signing and verifying, RFC 6376 section 5.4.2: each
// name in h= takes the next instance of that field counting from the bottom
// of the header; a name with no instance left contributes nothing (so an
// oversigned name forbids adding that field later).
//
// Shared by Signer and Verifier so both hash exactly the same bytes.
#ifndef LISTD_DKIM_HEADER_SELECTION_H_
#define LISTD_DKIM_HEADER_SELECTION_H_

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

// The names of a ':'-separated field list, the form h= takes ("From:To"):
// blanks around each name trimmed, empty names skipped.
std::vector<std::string> SplitFieldNames(std::string_view list);

}  // namespace dkim

#endif  // LISTD_DKIM_HEADER_SELECTION_H_
