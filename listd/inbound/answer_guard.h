// Answer guard: whether mail that reached a list's command addresses may
// be answered at all (a command reply, a confirmation, a help text), or
// must be dropped unanswered because an answer could loop, hit a robot, or
// be a way to aim mail at someone. Pure: bytes and the envelope in, a
// verdict out; the caller drops refused mail with an event.
//
// NEVER ANSWERED, checked in this order (the first that applies is the
// reason):
//   1. a null return path ("" or "<>"): an answer could go nowhere;
//   2. a return path whose local part is MAILER-DAEMON or postmaster (any
//      case): the mail system itself;
//   3. a return path of list software: local part "owner-*", "*-request",
//      "*-bounces" or "*-bounces+*" (the VERP form): answering one list
//      manager's robot from another is the classic loop;
//   4. a return path that cannot be read as an address;
//   5. a return path that is one of this list's own addresses (any reading
//      service::ClassifyLocalPart gives, the domain compared ignoring
//      case);
//   6. a mail that cannot be read as a message;
//   7. an Auto-Submitted field whose keyword (comments and parameters
//      ignored, any case) is not "no", or that has no keyword;
//   8. Precedence: bulk, junk or list (any case);
//   9. Content-Type: multipart/report (a delivery or disposition report);
//  10. a From or Sender mailbox that is one of this list's addresses;
//  11. a List-Id whose list-label is this list's;
//  12. an X-Loop naming one of this list's addresses.
//
// STANDARDS
//   RFC 3834 section 2 (never answer a null return path; MAY refuse
//   "owner-*", "*-request", "MAILER-DAEMON"; do not answer Auto-Submitted
//   other than "no"; MAY refuse on Precedence or List-* fields), section
//   5.1 (Auto-Submitted syntax: keyword, CFWS, parameters), RFC 5321
//   section 4.5.5 (the null reverse-path of notifications), RFC 2142
//   section 5 (postmaster), RFC 6522 section 3 (multipart/report), RFC
//   3464 and RFC 8098 (the DSNs and MDNs it carries), RFC 2919 section 3
//   (List-Id: the label inside <>, compared case-insensitively), RFC 5322
//   section 3.6.2 (From and Sender), section 3.2.2 (comments).
//
// LIMITS
//   A List-Id of another list alone does not refuse (a forwarded command
//   would be lost); Precedence: list usually comes with it. An X-Loop is
//   read as one address (inside <> if present). Addresses are compared as
//   base::EmailAddress reads them (dot-atom@domain).
#ifndef LISTD_LISTD_INBOUND_ANSWER_GUARD_H_
#define LISTD_LISTD_INBOUND_ANSWER_GUARD_H_

#include <string>
#include <string_view>

namespace listd::inbound {

struct AnswerGuardInput {
  std::string_view message;          // the post as recorded
  std::string_view envelope_from;    // "" for the null return path
  std::string_view list_local_part;  // "demo"
  std::string_view list_domain;      // "lists.example.org"
  std::string_view list_id;          // our List-Id label "demo.lists.example.org"
};

struct AnswerVerdict {
  bool may_answer = false;
  std::string reason;  // why not, a sentence; "" when may
};

// Whether the mail may be answered (see NEVER ANSWERED above).
AnswerVerdict MayAnswer(const AnswerGuardInput& input);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_ANSWER_GUARD_H_
