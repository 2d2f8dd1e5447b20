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
//              (or "has been delayed": temporary); "Address not found",
//              "Your message wasn't delivered to X because the address
//              couldn't be found" (or the domain: permanent); "Delivery
//              incomplete", "There was a temporary problem delivering your
//              message to X" (temporary)
//   yahoo      "unable to deliver your message to the following address"
//   ses        Amazon SES "An error occurred while trying to deliver the
//              mail to the following recipients"
//   google-groups  Google Groups' refusal of a post: "the group you tried
//              to contact (NAME) may not exist, or you may not have
//              permission to post"; NAME when it is an address, else the
//              address with that local part the bounce names elsewhere
//              (its text, X-Failed-Recipients), else NAME@googlegroups.com
//              when Google Groups itself sent it; otherwise refused with
//              the reason (a bare name would be a guess). Permanent: the
//              group refuses every post of the list, not one.
//   simple     anything else that says mail could not be delivered and
//              names the address on or just after that line
// A line that reports success ("has been delivered to", "delivery to
// these recipients or groups is complete", Sendmail's "successful
// delivery notifications") opens no list of failures and ends one, and an
// address line whose status is of class 2 is no failure (RFC 3463 section
// 3.1), so a report of mixed outcomes names only the failed.
// A text that says delivery is only delayed or will be retried ("will
// continue trying", "has not yet been delivered", "Warning:") gives
// temporary failures, action delayed; the rest are permanent, action
// failed. A final word in a condition ("You'll be notified if the
// delivery fails permanently", Gmail's "Delivery incomplete") is none. `reporting_domain` is the
// domain of a From of MAILER-DAEMON or postmaster ("" otherwise): a bare local part alone on an
// indented line after a trigger (AOL's "screenname") is a recipient at that domain. Text after the
// marker of a returned copy ("Below this line is a copy", "Original message follows", ...) is not
// read.
#ifndef LISTD_LISTD_INBOUND_MTA_FORMATS_H_
#define LISTD_LISTD_INBOUND_MTA_FORMATS_H_

#include <string>
#include <string_view>
#include <vector>

#include "listd/inbound/bounce_report.h"

namespace listd::inbound {

// Words that say a delivery worked, lower case: a receipt's (auto_reply.h
// reads a mail saying one as no failure) and a mixed report's success
// lines (never the start of a list of failures here).
inline constexpr std::string_view kDeliveredPhrases[] = {
    "has been delivered to",
    "have been delivered to",
    "was delivered to",
    "were delivered to",
    "successfully delivered",
    "delivered successfully",
    "delivery to these recipients or groups is complete",
    "delivery to the following recipients succeeded",
    "successful delivery notification",
    "has been relayed",
    "was relayed",
    "delivery has succeeded",
};

// What the bounce's header says around its text.
struct MtaContext {
  std::string_view subject;                    // RFC 2047 decoded
  std::string_view reporting_domain;           // of a From of MAILER-DAEMON or postmaster, or ""
  std::string_view sender_domain;              // of the From, whoever it is, lower-cased, or ""
  std::vector<std::string> failed_recipients;  // X-Failed-Recipients (Exim, Gmail)
};

// The recogniser that found failures in `text` (adding them to `report`),
// or "" (see the contract).
std::string ParseMtaText(std::string_view text, const MtaContext& context, BounceReport& report);

// The bounce's own words in `text`: the lines before the returned copy,
// lower-cased, each run of blanks and every line end one space, so a
// phrase wrapped over two lines reads as one (what auto_reply.h's
// notice signs read).
std::string BounceWords(std::string_view text);

// Whether lower-cased `words` give an SMTP failure: a reply code 4xx or
// 5xx (RFC 5321 section 4.2) or an RFC 3463 status of class 4 or 5.
bool HasFailureCode(std::string_view words);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_MTA_FORMATS_H_
