// Fuzz target: the bounce parser (listd/inbound/bounce_parser.h), which
// reads whatever anyone sends to a list's -bounces address. Beyond not
// crashing: never more than kMaxBounceRecipients recipients, and truncated
// only when full; every address is one NormalBounceAddress keeps as it is
// (it parses, holds no control byte, its domain is lower-case), and no
// address twice; every diagnostic one bounded line without control bytes;
// the kind agrees with the recipients (a bounce has a permanent one, a
// delay only temporary ones, a complaint names at most its reporters'
// recipients, an auto-reply and not-a-bounce none); a reason is given.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "listd/inbound/bounce_parser.h"
#include "listd/inbound/bounce_recipients.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  namespace inbound = listd::inbound;
  const std::string_view message = listd_fuzz::Text(data, size);

  const inbound::BounceReport report = inbound::ParseBounce(message);
  Check(report.recipients.size() <= inbound::kMaxBounceRecipients, "recipients are bounded");
  Check(!report.truncated || report.recipients.size() == inbound::kMaxBounceRecipients,
        "truncated only when full");
  Check(!report.reason.empty(), "a reason is given");
  std::set<std::string> seen;
  bool permanent = false;
  for (const inbound::BounceRecipient& recipient : report.recipients) {
    const auto again = inbound::NormalBounceAddress(recipient.address);
    Check(again.ok() && *again == recipient.address, "an address is kept normalised");
    Check(!listd_fuzz::HasControl(recipient.address), "an address holds no control byte");
    Check(seen.insert(recipient.address).second, "no address twice");
    Check(recipient.diagnostic.size() <= inbound::kMaxDiagnosticBytes + 3,
          "a diagnostic is bounded");
    Check(!listd_fuzz::HasControl(recipient.diagnostic), "a diagnostic is one line");
    Check(!recipient.recogniser.empty(), "a recipient says which recogniser found it");
    permanent = permanent || recipient.failure_class == inbound::FailureClass::kPermanent;
  }
  switch (report.kind) {
    case inbound::BounceKind::kBounce:
      Check(permanent, "a bounce has a permanent failure");
      break;
    case inbound::BounceKind::kDelay:
      Check(!report.recipients.empty() && !permanent, "a delay has only temporary failures");
      break;
    case inbound::BounceKind::kAutoReply:
    case inbound::BounceKind::kNotABounce:
      Check(report.recipients.empty(), "an auto-reply or not-a-bounce names no failure");
      break;
    case inbound::BounceKind::kComplaint:
      break;
  }
  return 0;
}
