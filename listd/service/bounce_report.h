// Bounce report: what the bounce parser (listd/inbound/bounce_parser.h) found in one
// mail to a list's -bounces address, as plain values: the kind of mail and,
// per failed (or delayed) recipient, the address, the RFC 3463 status, the
// RFC 3464 action, whether the failure is permanent or temporary, one line
// of diagnostic and which recogniser said so.
//
// Contract: every address here is an addr-spec base::EmailAddress::Parse
// accepts, with its domain lower-cased, and holds no CR, LF or control
// byte; a diagnostic is one line of valid UTF-8 of at most
// kMaxDiagnosticBytes. At most kMaxBounceRecipients recipients are kept
// (truncated says there were more). Only kind kBounce means "a member's
// mail failed": a delay, a complaint and an auto-reply are never failures.
// The type lives in service/ because every face reads it: the parser in
// inbound/ fills it, the bounce scoring of service/ consumes it, views/
// prints it (listctl bounce parse --json), and none of those may see
// inbound/.
#ifndef LISTD_LISTD_SERVICE_BOUNCE_REPORT_H_
#define LISTD_LISTD_SERVICE_BOUNCE_REPORT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace listd::service {

inline constexpr size_t kMaxBounceRecipients = 1000;
inline constexpr size_t kMaxDiagnosticBytes = 300;

enum class BounceKind { kBounce, kDelay, kComplaint, kAutoReply, kNotABounce };
enum class FailureClass { kPermanent, kTemporary };

// "bounce", "delay", "complaint", "auto-reply", "not-a-bounce".
std::string_view ToString(BounceKind kind);
// "permanent", "temporary".
std::string_view ToString(FailureClass failure_class);

struct BounceRecipient {
  std::string address;  // local@domain, domain lower-cased
  std::string status;   // RFC 3463 "5.1.1", or "" when the mail gives none
  std::string action;   // RFC 3464 section 2.3.3: failed, delayed, delivered, relayed,
                        // expanded (lower-case); recognisers of free text say failed or delayed
  FailureClass failure_class = FailureClass::kPermanent;
  std::string diagnostic;  // one safe line: Diagnostic-Code or the MTA's words, may be ""
  std::string remote_mta;  // RFC 3464 section 2.3.5 Remote-MTA, may be ""
  std::string recogniser;  // "dsn", "arf", "qmail", "postfix", ... (bounce_parser.h lists them)
};

// What an RFC 5965 feedback report names of the message complained about.
struct ComplaintSource {
  std::string feedback_type;  // RFC 5965 section 3.1 Feedback-Type ("abuse"), lower-case
  std::string original_rcpt;  // Original-Rcpt-To, when valid (it is also a recipient)
  std::string list_id;        // the returned message's List-Id, one safe line
  std::string message_id;     // its Message-ID, one safe line
  std::string to;             // its To, one safe line
};

struct BounceReport {
  BounceKind kind = BounceKind::kNotABounce;
  std::vector<BounceRecipient> recipients;  // in the order found, each address once
  bool truncated = false;                   // more than kMaxBounceRecipients were named
  std::string recogniser;                   // what decided the kind ("" for not-a-bounce)
  std::string reason;                       // why, one line ("multipart/report without a
                       // delivery-status part", "Auto-Submitted: auto-replied")
  std::vector<std::string> refused;  // addresses refused, each with why (bounded)
  ComplaintSource complaint;         // kind kComplaint only
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_BOUNCE_REPORT_H_
