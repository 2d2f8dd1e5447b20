// ARF parser: an RFC 5965 feedback report (a receiver telling the sender
// that a person marked its mail as spam, or another complaint) read into
// a BounceReport of kind complaint. A complaint is not a bounce: the
// member's address works; the member does not want the mail.
//
// Contract: pure. `feedback` is the message/feedback-report body (RFC
// 5965 section 3.1: Feedback-Type, User-Agent, Version, and optional
// fields such as Original-Rcpt-To, section 3.2); `returned` the header
// fields of the returned message (the third part, message/rfc822 or
// text/rfc822-headers, section 2 item e). The complained-about recipient
// is Original-Rcpt-To when it is a valid address (recogniser "arf"); the
// returned message's List-Id, Message-ID and To are kept in
// report.complaint so the caller can find the member another way (our
// List-Id, a VERP address). The kind is always kComplaint.
#ifndef LISTD_LISTD_INBOUND_ARF_PARSER_H_
#define LISTD_LISTD_INBOUND_ARF_PARSER_H_

#include <string_view>

#include "listd/inbound/bounce_report.h"
#include "listd/inbound/dsn_parser.h"

namespace listd::inbound {

// Fills `report` from a feedback report (see the contract).
void ParseFeedbackReport(std::string_view feedback, const FieldGroup& returned,
                         BounceReport& report);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_ARF_PARSER_H_
