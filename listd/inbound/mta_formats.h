// MTA formats: the bounces that are not RFC 3464 reports, recognised by
// their structure and wording, with the failed address and, where the
// text gives one, the SMTP reply code and RFC 3463 status.
//
// Contract: pure. ParseMtaText() reads one text part (UTF-8, LF lines) of
// the bounce, never the returned message, with the decoded Subject, and
// adds what it finds through AddBounceRecipient. It returns the name of
// the recogniser that matched ("" when none):
//   qmail      "This is the qmail-send program"; "<addr>:" lines
//   postfix    "This is the mail system at host" / "The Postfix program";
//              "<addr>: reason" lines
//   exim       "This message was created automatically by mail delivery
//              software", the addresses after "failed:"
//   sendmail   "----- The following addresses had permanent fatal
//              errors -----" (or transient non-fatal: temporary), and the
//              session transcript "... User unknown" lines
//   courier    "Your message to the following recipients cannot be
//              delivered"
//   opensmtpd  "This is the MAILER-DAEMON" with "list of recipients"
//   exchange   Exchange and Office 365: "Delivery has failed to these
//              recipients", "could not be reached", "couldn't be
//              delivered"
//   gmail      "Delivery to the following recipient failed permanently"
//              (or "has been delayed": temporary)
//   yahoo      "unable to deliver your message to the following address"
//   ses        Amazon SES "An error occurred while trying to deliver the
//              mail to the following recipients"
//   simple     anything else that says mail could not be delivered and
//              names the address on or just after that line
// A text that says delivery is only delayed or will be retried ("will
// continue trying", "has not yet been delivered", "Warning:") gives
// temporary failures, action delayed; the rest are permanent, action
// failed. `reporting_domain` is the domain of a From of MAILER-DAEMON or
// postmaster ("" otherwise): a bare local part alone on an indented line after a
// trigger (AOL's "screenname") is a recipient at that domain. Text after
// the marker of a returned copy ("Below this line is a
// copy", "Original message follows", ...) is not read.
#ifndef LISTD_LISTD_INBOUND_MTA_FORMATS_H_
#define LISTD_LISTD_INBOUND_MTA_FORMATS_H_

#include <string>
#include <string_view>

#include "listd/inbound/bounce_report.h"

namespace listd::inbound {

// The recogniser that found failures in `text` (adding them to `report`),
// or "" (see the contract).
std::string ParseMtaText(std::string_view text, std::string_view subject,
                         std::string_view reporting_domain, BounceReport& report);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_MTA_FORMATS_H_
