// Auto-reply detection: mail a program wrote in answer to the list's mail
// (vacation and out-of-office replies, challenge-response, RFC 3834
// responders) rather than a report that delivery failed. An auto-reply is
// never scored: the member's mailbox works.
//
// Contract: pure, reads the top-level header fields (names lower-cased,
// values unfolded, the Subject RFC 2047 decoded by the caller).
// StrongAutoReplySign() names a sign that only auto-replies carry:
//   X-Autoreply, X-Autorespond (any value), Precedence: auto_reply,
//   Auto-Submitted: auto-replied (RFC 3834 section 5.1) together with a
//   Subject of a vacation or out-of-office reply, or such a Subject alone
//   ("Out of Office", "Automatic reply", "Auto-Reply", "Autoreply",
//   "Vacation", "Abwesenheitsnotiz", "Away from").
// WeakAutoReplySign() names one that bounces carry too (Exim marks its
// bounces Auto-Submitted: auto-replied): any Auto-Submitted other than
// "no" (RFC 3834 section 5); the parser only believes it once no
// recogniser found a failure.
//
// NOTICES THAT NAME NO FAILURE, read in the bounce's own words (lower-cased,
// one line, before the returned copy: mta_formats.h BounceWords) and the
// Subject. Each is refused when the words give an SMTP failure code
// (4xx/5xx reply, RFC 3463 class 4 or 5) or say plainly that delivery
// failed ("could not be delivered", "user unknown", "undeliverable", ...):
// a real bounce that says "please verify the address" or "click here to
// be delisted" stays a bounce.
// ChallengeSign(): challenge-response mail (TMDA, Spam Arrest, Boxbe,
//   ChoiceMail, Mailinblack, ...): it asks the sender to act (click a
//   link, reply, send an empty message) for a purpose only a challenge
//   has (the approved or guest list, proving to be a person, releasing a
//   held message, confirming the message), or it names the
//   challenge-response product and one of the two. The Subject may give
//   the purpose ("Please confirm your message").
// HoldNoticeSign(): a list's note that the post waits for its moderator
//   (Google Groups "pending approval", Mailman "is being held until the
//   list moderator can review it").
// ReceiptSign(): a delivery receipt in plain text ("Your message has been
//   delivered to", Exchange's "Delivered:" and "Relayed:" reports,
//   "Delivery to these recipients or groups is complete", Postfix's
//   "successfully delivered"). RFC 3464 reports with Action delivered or
//   relayed are the DSN parser's.
#ifndef LISTD_LISTD_INBOUND_AUTO_REPLY_H_
#define LISTD_LISTD_INBOUND_AUTO_REPLY_H_

#include <string>
#include <string_view>

#include "listd/inbound/dsn_parser.h"

namespace listd::inbound {

// The strong sign found, as a short reason ("X-Autoreply: yes"), or "".
std::string StrongAutoReplySign(const FieldGroup& header, std::string_view subject);

// The weak sign found ("Auto-Submitted: auto-generated"), or "".
std::string WeakAutoReplySign(const FieldGroup& header);

// The challenge-response sign in `words` (see above), or "".
std::string ChallengeSign(std::string_view words, std::string_view subject);

// The moderation-hold sign in `words` (see above), or "".
std::string HoldNoticeSign(std::string_view words, std::string_view subject);

// The delivery-receipt sign in `words` (see above), or "".
std::string ReceiptSign(std::string_view words, std::string_view subject);

// Whether a decoded Subject reads as a vacation or out-of-office reply.
bool IsAutoReplySubject(std::string_view subject);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_AUTO_REPLY_H_
