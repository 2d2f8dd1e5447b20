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

// Whether a decoded Subject reads as a vacation or out-of-office reply.
bool IsAutoReplySubject(std::string_view subject);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_AUTO_REPLY_H_
