// Mail writer: the whole text of a mail listd writes itself (confirmation,
// welcome, command reply, moderator notice), from header values and a
// UTF-8 body, ready for the caller to sign and queue.
//
// Contract: the writer is pure (no clock, no randomness, no I/O) and it
// refuses rather than mends: a header value holding CR, LF or any other
// control byte, an address field that is not a plain addr-spec, or a
// Message-ID that is not one, is an Error of kind invalid naming the
// field. So a list display name or address with a CR/LF in its setting can
// never start a header field of its own, whatever the caller forgot to
// check. Untrusted text meant for a header (a post's Subject) goes through
// OneLineText first.
//
// The result has CRLF line ends and no line longer than 998 octets (RFC
// 5322 section 2.1.1); long Subject and From fields are folded (section
// 2.2.3); non-ASCII Subject and display name are RFC 2047 encoded-words.
//
// Thread-safety: plain functions.
#ifndef LISTD_LISTD_OUTBOUND_MAIL_WRITER_H_
#define LISTD_LISTD_OUTBOUND_MAIL_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace listd::outbound {

struct MailHeaders {
  std::string from;       // addr-spec, e.g. "demo-request@lists.example.org"
  std::string from_name;  // display name, may be UTF-8 ("Démo list"): RFC 2047-encoded when not
                          // ASCII, quoted when it needs it
  std::string to;         // addr-spec
  std::string subject;    // UTF-8: RFC 2047-encoded when not ASCII; folded if long (RFC 5322 2.2.3)
  std::string message_id;        // without <>
  std::string in_reply_to;       // without <>, "" = none (also written as References)
  std::string reply_to;          // addr-spec, "" = none
  std::string list_id;           // label, "" = none; written as List-Id: <label>
  std::string list_unsubscribe;  // full field value like
                                 // "<mailto:demo-leave@lists.example.org>", "" = none
  std::string auto_submitted = "auto-generated";  // or "auto-replied" (RFC 3834 section 5)
  int64_t now = 0;                                // Date (RFC 5322 3.3, UTC: MailDate below)
};

// A text/plain; charset=utf-8 message, CRLF line ends, every line <= 998
// octets: the body as 7bit when it is ASCII with short lines, else
// quoted-printable. The body may have LF or CRLF line ends. Error (kind
// invalid, naming the field) when any header value holds CR, LF or another
// control byte, or an address field is not a plain addr-spec.
base::Result<std::string> WriteTextMail(const MailHeaders& headers, std::string_view body_utf8);

// multipart/mixed: the text part as above, then `attached` (a whole
// message, CRLF) as a message/rfc822 part (RFC 2046 5.2.1: 7bit or 8bit
// only; 8bit when it holds 8-bit bytes), the attached bytes kept exactly.
// A message that no identity encoding can carry (a line over 998 octets, a
// NUL, a bare CR or LF) is attached instead as application/octet-stream in
// base64, which still decodes to exactly its bytes.
base::Result<std::string> WriteMailWithMessage(const MailHeaders& headers,
                                               std::string_view body_utf8,
                                               std::string_view attached);

// An RFC 5322 date-time of `now` in UTC: "Mon, 23 Nov 2026 22:31:00 +0000".
std::string MailDate(int64_t now);

// For untrusted text going into a header (a post's Subject): control bytes
// (C0, DEL, C1) and CR/LF become spaces, runs of spaces collapse to one,
// ends are trimmed, a byte that is not part of valid UTF-8 becomes U+FFFD,
// and the result is cut to `max_bytes` on a UTF-8 boundary with "...".
std::string OneLineText(std::string_view text, size_t max_bytes = 200);

}  // namespace listd::outbound

#endif  // LISTD_LISTD_OUTBOUND_MAIL_WRITER_H_
