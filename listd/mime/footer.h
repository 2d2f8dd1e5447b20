// Footer: the list's text added to a post in a way every MIME reader shows
// and no signature it should keep is broken. Where the footer goes follows
// the top-level Content-Type:
//   text/plain            appended to the text, in the part's charset and
//                         transfer encoding (see footer.cc for the policy)
//   multipart/mixed       a new last text/plain; charset=utf-8 part
//   multipart/alternative wrapped, Mailman's way: a new multipart/mixed holds
//                         the alternatives first and the footer second
//   multipart/signed, multipart/encrypted, application/(x-)pkcs7-mime
//                         untouched (RFC 1847, S/MIME): placement kNone
//   anything else         (text/html, image/png, message/rfc822, ...)
//                         wrapped like multipart/alternative
//
// Contract: the message is CRLF text. Header fields other than the
// Content-* fields that must change keep their bytes and order; when a
// message is wrapped, its Content-* fields move verbatim into the inner part.
// Errors are sentences (the caller holds the post). Thread-safety: plain
// function (GMime is started once, thread-safely).
#ifndef LISTD_LISTD_MIME_FOOTER_H_
#define LISTD_LISTD_MIME_FOOTER_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace listd::mime {

enum class FooterPlacement {
  kAppendedToText,          // the single text/plain body got it
  kAddedPart,               // a new text/plain part (added, or after wrapping)
  kAppendedToAlternatives,  // reserved: a footer in each alternative (not produced)
  kNone,                    // message unchanged; FooterResult::why says why
};

struct FooterResult {
  std::string message;        // the whole message, CRLF
  FooterPlacement placement;  // where the footer went
  std::string why;  // one sentence, e.g. "multipart/signed: left untouched (RFC 1847 §2.1)"
};

// `message` with `footer_utf8` (UTF-8 text, LF or CRLF) added per its MIME type.
base::Result<FooterResult> AddFooter(std::string_view message, std::string_view footer_utf8);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_FOOTER_H_
