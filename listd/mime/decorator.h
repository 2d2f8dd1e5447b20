// Decorator: the pipeline's "decorate" stage (DESIGN.md, step 5) in one
// call: footer, subject tag, author DKIM signatures, Reply-To and the List-*
// fields, applied in that order to the raw post.
//
// Contract: the input is the post as received (CRLF). Header fields the
// decoration does not concern keep their bytes and relative order, so what
// listd signs next is what the author wrote plus our changes. On Error (no
// header/body separator, a message GMime cannot parse) nothing is changed:
// the caller holds the post with the Error's sentence. Thread-safety: plain
// function.
#ifndef LISTD_LISTD_MIME_DECORATOR_H_
#define LISTD_LISTD_MIME_DECORATOR_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "listd/mime/footer.h"
#include "listd/mime/list_headers.h"

namespace listd::mime {

struct Decoration {
  std::string subject_tag;  // "[demo]", "" none
  std::string footer;       // rendered footer text (UTF-8), "" none
  ListIdentity list;
  // Remove incoming List-Id, List-Post, List-Help, List-Subscribe,
  // List-Unsubscribe, List-Owner, List-Archive and Precedence, then put
  // ours at the top of the header.
  bool add_list_headers = true;
  // Drop the author's DKIM-Signature fields (the footer and tag break them).
  bool remove_author_dkim = false;
  // kList: Reply-To becomes the list's post address (any other removed);
  // kNone and kAuthor leave Reply-To as it came.
  enum class ReplyTo { kNone, kList, kAuthor } reply_to = ReplyTo::kNone;
};

struct DecorationReport {
  std::string message;     // the decorated post, CRLF
  FooterPlacement footer;  // where the footer went
  std::string footer_why;  // one sentence from AddFooter
  bool subject_tagged;     // the Subject changed (or was added)
};

// `message` with `decoration` applied; Error with a sentence if it cannot be.
base::Result<DecorationReport> Decorate(std::string_view message, const Decoration& decoration);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_DECORATOR_H_
