// Bounce recipients: the one door through which every recogniser of the
// bounce parser adds a recipient to a BounceReport, so each address is
// checked, normalised, counted and bounded the same way.
//
// Contract: an address is refused (and noted in report.refused with why)
// when it holds CR, LF or any control byte, when base::EmailAddress::Parse
// rejects it, when it has a display name, or when its domain has no dot;
// angle brackets, quotes and trailing punctuation around it are taken off
// first. The domain is lower-cased. An address already present is not
// added twice (a permanent finding replaces a temporary one). Past
// kMaxBounceRecipients nothing is added and report.truncated is set.
#ifndef LISTD_LISTD_INBOUND_BOUNCE_RECIPIENTS_H_
#define LISTD_LISTD_INBOUND_BOUNCE_RECIPIENTS_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "listd/inbound/bounce_report.h"

namespace listd::inbound {

// The address as the report holds it ("local@domain", domain lower-cased),
// or why it is refused.
base::Result<std::string> NormalBounceAddress(std::string_view raw);

// Adds `recipient` under `raw_address` (see the contract); false when it
// was refused or the report is full.
bool AddBounceRecipient(BounceReport& report, std::string_view raw_address,
                        BounceRecipient recipient);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_BOUNCE_RECIPIENTS_H_
