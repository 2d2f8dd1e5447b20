// Spooling: where posts enter listd, from the LMTP intake or `listctl
// inject`. A post is committed to the spool, one row per list address it
// is for, before anyone is told it was taken; the pipeline takes it from
// there.
//
// STANDARDS
//   RFC 2033 section 4.2 (LMTP: 2xx only once the message is safe);
//   RFC 5321 section 2.3.8 (lines end in CRLF: a bare LF from a pipe
//   transport becomes CRLF here, once, so everything after reads CRLF).
// CONTRACT
//   One spool row per list address, all of them in one transaction; a
//   recipient that is no list address is kind invalid and spools nothing.
//   Recipients that resolve to the same list address (the same list, role,
//   VERP member or confirmation token: "demo@" twice, or "DEMO@") are one
//   post: one transaction never makes two posts for one address, however
//   often an MTA repeats the RCPT (RFC 2033 section 4.2 still answers each
//   RCPT, with its twin's post). The row keeps the first spelling.
//
// Thread-safety: as the Store passed in.
#ifndef LISTD_LISTD_SERVICE_SPOOL_H_
#define LISTD_LISTD_SERVICE_SPOOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

// Commits one spool row per distinct list address among `recipients` (each
// must be one) in one transaction, with bare LF made CRLF; returns a post id
// for every recipient, in recipient order (a repeated address repeats its
// post's id).
base::Result<std::vector<int64_t>> SpoolPost(storage::Store& store,
                                             const std::string& envelope_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& message, int64_t now);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_SPOOL_H_
