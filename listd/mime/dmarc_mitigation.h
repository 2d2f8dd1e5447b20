// DMARC mitigation: what a list does to a post whose author domain asks
// receivers to quarantine or reject mail that fails DMARC, since the
// list's subject tag and footer break the author's DKIM signature and the
// list's own signature does not align with the author's From domain.
//
// STANDARDS
//   RFC 7489 section 3.1 (identifier alignment: the From domain is what
//   DMARC checks) and RFC 7960 section 4.1.3.3 (mailing-list mitigations:
//   rewriting From, encapsulating the original); RFC 5322 section 3.6.2
//   and 3.6.3 (From, Reply-To, Cc); RFC 2046 section 5.2.1
//   (message/rfc822); RFC 2047 (an encoded display name).
// THE TWO WAYS (as Mailman 3's munge_from and wrap_message)
//   munge-from  From becomes "Author Name via List Name" <list address>;
//               the author's own From goes to Reply-To (or, when the list
//               sets Reply-To to itself, to Cc), so a reply still reaches
//               them.
//   wrap        a new message from the list (From munged as above, the
//               original's Subject, To, Cc, Date, Message-ID and ARC sets
//               kept, so the list seals it as the chain's next hop)
//               whose only part is the original post, untouched, as
//               message/rfc822: the author's signature stays verifiable
//               inside.
// CONTRACT
//   Header fields not named here keep their bytes. A From that cannot be
//   read (none, several mailboxes) is an Error; the caller holds the post.
// Thread-safety: plain functions.
#ifndef LISTD_LISTD_MIME_DMARC_MITIGATION_H_
#define LISTD_LISTD_MIME_DMARC_MITIGATION_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "listd/mime/list_headers.h"

namespace listd::mime {

struct MitigationRequest {
  ListIdentity list;
  // The list sets Reply-To to itself (reply_to=list): the author goes to
  // Cc instead of Reply-To.
  bool reply_to_list = false;
};

struct Mitigated {
  std::string message;
  std::string author;  // the original From, as raw text, e.g. "Alice <alice@example.org>"
};

// "Alice via Demo list", from the author's display name (or address).
std::string ViaDisplayName(std::string_view author_name, std::string_view list_name);

// From rewritten to the list, the author kept in Reply-To or Cc.
base::Result<Mitigated> MungeFrom(std::string_view message, const MitigationRequest& request);

// The post wrapped whole as a message/rfc822 part of a message from the list.
base::Result<Mitigated> WrapMessage(std::string_view message, const MitigationRequest& request);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_DMARC_MITIGATION_H_
