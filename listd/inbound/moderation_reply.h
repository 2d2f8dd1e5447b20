// Moderation reply: what a moderator's reply to a held-post notice (or to
// a pending-subscription notice) asks for. Pure: bytes in, a decision out;
// the caller checks the token and that the sender moderates the list.
//
// THE DECISION
//   The first line of the body's text (FirstTextOf) that is not blank, not
//   quoted ('>') and not the attribution line above a quote ("On ...
//   wrote:") decides, and only it:
//     "approve"            kApprove (the word alone on its line)
//     "discard"            kDiscard (the word alone on its line)
//     "reject"             kReject, no reason
//     "reject REASON..."   kReject, the rest of the line is the reason
//   in any case. Anything else on that line, "approve it" and "approved"
//   included, is kNone: a reply that does not say exactly what to do
//   approves nothing (it is answered with help). Lines below it are never
//   read, so a quoted notice or a signature cannot decide.
//   Only when the body has no such line at all (empty, only blank or quoted
//   lines, or no text part) does the Subject decide, with its "Re:",
//   "Fwd:", "Fw:", "AW:" prefixes off and the same rule ("Re: approve").
//
// STANDARDS
//   RFC 3676 section 4.5 (quote marks), RFC 2047 (an encoded Subject),
//   RFC 5322 section 3.6.5 (Subject; "Re: " by custom).
//
// LIMITS
//   A reason is one line, made safe to quote (SafeLine), at most
//   kMaxReasonBytes bytes (cut with "..."). A signature separator first in
//   the body means no line decides and the Subject is not read either; a
//   mail GMime cannot parse decides nothing.
#ifndef LISTD_LISTD_INBOUND_MODERATION_REPLY_H_
#define LISTD_LISTD_INBOUND_MODERATION_REPLY_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace listd::inbound {

enum class ModerationVerb { kApprove, kReject, kDiscard, kNone };

// "approve", "reject", "discard", "none".
std::string_view ToString(ModerationVerb verb);

inline constexpr size_t kMaxReasonBytes = 500;

struct ModerationReply {
  ModerationVerb verb = ModerationVerb::kNone;
  std::string reason;  // reject's reason, safe one line, <= 500 bytes
};

// The decision a reply asks for (see THE DECISION above).
ModerationReply ParseModerationReply(std::string_view message);

// The decision one line asks for (the rule above, on that line alone).
ModerationReply ParseModerationLine(std::string_view line);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_MODERATION_REPLY_H_
