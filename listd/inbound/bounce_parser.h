// Bounce parser: what a mail to a list's -bounces address says, read into
// one BounceReport (bounce_report.h): the one entry point of the pure
// bounce recognisers. Bytes in, findings out: no store, no I/O, no clock.
//
// THE ORDER OF RECOGNITION (the first that decides wins)
//   1. multipart/report (RFC 6522), by its report-type:
//        delivery-status (and global-delivery-status, RFC 6533): the
//          per-recipient groups (dsn_parser.h), recogniser "dsn"; a report
//          whose groups name nobody goes on to the text recognisers (4.)
//          with the human-readable part;
//        feedback-report: RFC 5965 complaint (arf_parser.h), "arf";
//        disposition-notification: an RFC 8098 read receipt, auto-reply
//          "mdn".
//   2. a notice that names no failure, read in the first text part's own
//      words (auto_reply.h): challenge-response mail, recogniser
//      "challenge-response"; a list's moderation hold, "moderation-hold";
//      a plain-text delivery receipt, "receipt"; then a strong
//      auto-reply sign in the header, "auto-reply". All are auto-replies,
//      never failures; each stands back when the words give an SMTP
//      failure code or say that delivery failed.
//   3. the non-standard bounces real MTAs send (mta_formats.h), read in
//      the message's text parts (not in a returned message/rfc822).
//   4. a weak auto-reply sign (Auto-Submitted other than no): auto-reply.
//   5. otherwise not-a-bounce, with the reason.
//   The kind follows the recipients: any permanent failure makes a bounce,
//   else any temporary one a delay (RFC 3464 Action delayed and RFC 3463
//   class 4 are never permanent).
//
// LIMITS
//   A leading mbox "From " line is skipped. At most kMaxBouncePartBytes
//   of each part are decoded and read, at most kMaxBounceTextParts text
//   parts; GMime bounds the nesting. Recipients: kMaxBounceRecipients.
//   A message GMime cannot parse is not-a-bounce with the reason.
#ifndef LISTD_LISTD_INBOUND_BOUNCE_PARSER_H_
#define LISTD_LISTD_INBOUND_BOUNCE_PARSER_H_

#include <cstddef>
#include <string_view>

#include "listd/inbound/bounce_report.h"

namespace listd::inbound {

inline constexpr size_t kMaxBouncePartBytes = 2 * 1024 * 1024;
inline constexpr size_t kMaxBounceTextParts = 8;

// What `message` says (see the order above).
BounceReport ParseBounce(std::string_view message);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_BOUNCE_PARSER_H_
