// The one door every recogniser adds a recipient through
// (bounce_recipients.h says what and why).
#include "listd/inbound/bounce_recipients.h"

#include "base/email_address.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {

namespace {

constexpr size_t kMaxRefused = 20;
constexpr size_t kMaxAddressBytes = 320;  // RFC 5321 section 4.5.3.1: 64 + 1 + 255

void Refuse(BounceReport& report, std::string_view raw, std::string_view why) {
  if (report.refused.size() >= kMaxRefused) return;
  report.refused.push_back(SafeLine(raw, 100) + ": " + std::string(why));
}

}  // namespace

base::Result<std::string> NormalBounceAddress(std::string_view raw) {
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return base::Invalid("address holds a control byte (CR, LF or another)");
    }
  }
  std::string_view text = TrimBlanks(raw);
  while (!text.empty() && (text.front() == '<' || text.front() == '"' || text.front() == '\'' ||
                           text.front() == '(' || text.front() == '[')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == '>' || text.back() == '.' || text.back() == ',' ||
                           text.back() == ';' || text.back() == ':' || text.back() == '"' ||
                           text.back() == '\'' || text.back() == ')' || text.back() == ']')) {
    text.remove_suffix(1);
  }
  if (text.size() > kMaxAddressBytes) return base::Invalid("address too long");
  auto parsed = base::EmailAddress::Parse(text);
  if (!parsed.ok()) return parsed.failure();
  if (!parsed->display_name.empty()) return base::Invalid("not a bare address");
  if (parsed->domain.find('.') == std::string::npos) {
    return base::Invalid("domain has no dot");
  }
  return parsed->ToString();
}

bool AddBounceRecipient(BounceReport& report, std::string_view raw_address,
                        BounceRecipient recipient) {
  auto address = NormalBounceAddress(raw_address);
  if (!address.ok()) {
    Refuse(report, raw_address, address.error());
    return false;
  }
  recipient.address = *address;
  // Made safe before anything keeps it, the replacement of a known
  // address below included.
  recipient.diagnostic = SafeLine(recipient.diagnostic, kMaxDiagnosticBytes);
  recipient.remote_mta = SafeLine(recipient.remote_mta, kMaxDiagnosticBytes);
  for (BounceRecipient& known : report.recipients) {
    if (known.address != recipient.address) continue;
    // The same address twice: a permanent word wins over a temporary one.
    if (known.failure_class == FailureClass::kTemporary &&
        recipient.failure_class == FailureClass::kPermanent) {
      known = std::move(recipient);
    }
    return true;
  }
  if (report.recipients.size() >= kMaxBounceRecipients) {
    report.truncated = true;
    return false;
  }
  report.recipients.push_back(std::move(recipient));
  return true;
}

}  // namespace listd::inbound
