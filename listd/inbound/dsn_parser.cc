// DSN parser (dsn_parser.h says what and why).
#include "listd/inbound/dsn_parser.h"

#include "base/ascii.h"
#include "listd/inbound/bounce_recipients.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value after "type;" (RFC 3464 section 2.3.2: address-type ";"
// generic-address), the type lower-cased into `type` ("" when none).
std::string_view AfterType(std::string_view value, std::string& type) {
  const size_t semi = value.find(';');
  if (semi == std::string_view::npos) {
    type.clear();
    return TrimBlanks(value);
  }
  type = base::LowerAscii(TrimBlanks(value.substr(0, semi)));
  return TrimBlanks(value.substr(semi + 1));
}

// The address of a recipient field, or "" with `why` set.
std::string RecipientAddress(const std::string& value, std::string& why) {
  std::string type;
  std::string_view address = AfterType(value, type);
  if (!type.empty() && type != "rfc822" && type != "utf-8") {
    why = "address type " + type + " is not rfc822 or utf-8";
    return {};
  }
  return std::string(address);
}

}  // namespace

std::vector<FieldGroup> ReadFieldGroups(std::string_view text, size_t max_groups) {
  std::vector<FieldGroup> groups;
  FieldGroup current;
  bool in_field = false;
  auto end_group = [&] {
    if (!current.empty()) groups.push_back(std::move(current));
    current.clear();
    in_field = false;
  };
  size_t pos = 0;
  while (pos <= text.size() && groups.size() < max_groups) {
    const size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimBlanks(line).empty()) {
      end_group();
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && in_field) {
      // RFC 5322 section 2.2.3 folding: a continuation of the last field.
      std::string& value = current.back().value;
      if (value.size() < kMaxFieldBytes) {
        value += ' ';
        value += TrimBlanks(line);
        if (value.size() > kMaxFieldBytes) value.resize(kMaxFieldBytes);
      }
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      in_field = false;  // not a field: skipped, the group goes on
      continue;
    }
    ReportField field;
    field.name = base::LowerAscii(TrimBlanks(line.substr(0, colon)));
    field.value = std::string(TrimBlanks(line.substr(colon + 1)));
    if (field.value.size() > kMaxFieldBytes) field.value.resize(kMaxFieldBytes);
    current.push_back(std::move(field));
    in_field = true;
  }
  end_group();
  if (groups.size() > max_groups) groups.resize(max_groups);
  return groups;
}

const std::string* FindField(const FieldGroup& group, std::string_view lower_name) {
  for (const ReportField& field : group) {
    if (field.name == lower_name) return &field.value;
  }
  return nullptr;
}

std::optional<std::string> StatusCodeAt(std::string_view text) {
  // RFC 3463 section 2: class "." subject "." detail, subject and detail
  // of 1 to 3 digits.
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') {
    return std::nullopt;
  }
  size_t i = 2;
  for (int part = 0; part < 2; ++part) {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i]) && i - start < 4) ++i;
    if (i == start || i - start > 3) return std::nullopt;
    if (part == 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) return std::nullopt;
  return std::string(text.substr(0, i));
}

std::string FindStatusCode(std::string_view text) {
  for (size_t i = 0; i + 5 <= text.size(); ++i) {
    if (i > 0 && (IsDigit(text[i - 1]) || text[i - 1] == '.')) continue;
    if (auto code = StatusCodeAt(text.substr(i))) return *code;
  }
  return {};
}

size_t ParseDeliveryStatus(std::string_view body, BounceReport& report) {
  const std::vector<FieldGroup> groups = ReadFieldGroups(body, kMaxFieldGroups);
  size_t recipient_groups = 0;
  for (const FieldGroup& group : groups) {
    const std::string* final_recipient = FindField(group, "final-recipient");
    const std::string* original = FindField(group, "original-recipient");
    if (final_recipient == nullptr && original == nullptr) continue;  // per-message group
    ++recipient_groups;
    if (report.truncated) continue;  // full: count the rest, read no more
    BounceRecipient recipient;
    recipient.recogniser = "dsn";
    const std::string* action = FindField(group, "action");
    if (action != nullptr) {
      std::string_view word = TrimBlanks(*action);
      word = word.substr(0, word.find_first_of(" \t("));
      recipient.action = base::LowerAscii(word);
    }
    if (recipient.action == "delivered" || recipient.action == "relayed" ||
        recipient.action == "expanded") {
      continue;  // RFC 3464 section 2.3.3: not a failure
    }
    if (const std::string* status = FindField(group, "status")) {
      recipient.status = StatusCodeAt(TrimBlanks(*status)).value_or("");
    }
    const std::string* diagnostic = FindField(group, "diagnostic-code");
    if (diagnostic != nullptr) {
      std::string type;
      recipient.diagnostic = std::string(AfterType(*diagnostic, type));
      if (recipient.status.empty()) recipient.status = FindStatusCode(recipient.diagnostic);
    } else if (const std::string* status = FindField(group, "status")) {
      recipient.diagnostic = *status;
    }
    if (const std::string* remote = FindField(group, "remote-mta")) {
      std::string type;
      recipient.remote_mta = std::string(AfterType(*remote, type));
    }
    if (recipient.status.empty() && recipient.action.empty()) continue;  // nothing says it failed
    if (!recipient.status.empty() && recipient.status[0] == '2' && recipient.action != "failed") {
      continue;  // a success code and no failed action
    }
    const bool temporary =
        recipient.action == "delayed" || (!recipient.status.empty() && recipient.status[0] == '4');
    recipient.failure_class = temporary ? FailureClass::kTemporary : FailureClass::kPermanent;
    if (recipient.action.empty()) recipient.action = temporary ? "delayed" : "failed";
    // The address the list sent to first (section 2.3.1), else the final one.
    std::string why;
    std::string address = original != nullptr ? RecipientAddress(*original, why) : "";
    if (address.empty() || !NormalBounceAddress(address).ok()) {
      address = final_recipient != nullptr ? RecipientAddress(*final_recipient, why) : "";
    }
    if (address.empty()) {
      if (!why.empty() && report.refused.size() < 20) report.refused.push_back(why);
      continue;
    }
    AddBounceRecipient(report, address, std::move(recipient));
  }
  return recipient_groups;
}

}  // namespace listd::inbound
