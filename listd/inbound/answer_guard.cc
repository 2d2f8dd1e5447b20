// Answer guard (answer_guard.h lists what is never answered and why; the
// STANDARDS and LIMITS are there).
#include "listd/inbound/answer_guard.h"

#include <optional>
#include <vector>

#include "base/ascii.h"
#include "base/email_address.h"
#include "dkim/message.h"
#include "listd/inbound/text_lines.h"
#include "listd/pipeline/admit.h"
#include "listd/service/list_address.h"

namespace listd::inbound {
namespace {

AnswerVerdict Refuse(std::string reason) { return AnswerVerdict{false, std::move(reason)}; }

// A header value for a reason sentence: one short safe line.
std::string Quote(std::string_view value) { return "'" + SafeLine(value, 100) + "'"; }

// A field value unfolded and without its comments (RFC 5322 section 3.2.2:
// nested, with quoted-pairs), trimmed.
std::string WithoutComments(std::string_view value) {
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r' || c == '\n') continue;
    if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
      continue;
    }
    if (c == '(') {
      ++depth;
      out += ' ';  // a comment separates what stands around it
    } else {
      out += c;
    }
  }
  return std::string(TrimBlanks(out));
}

// The first keyword of a value: up to ';' or a blank (RFC 3834 section 5.1:
// keyword, then optional "; parameter"s), lower-cased.
std::string Keyword(std::string_view value) {
  const std::string plain = WithoutComments(value);
  const size_t end = plain.find_first_of("; \t");
  return base::LowerAscii(plain.substr(0, end));
}

class OurAddresses {
 public:
  OurAddresses(std::string_view local_part, std::string_view domain)
      : local_part_(base::LowerAscii(local_part)), domain_(base::LowerAscii(domain)) {}

  // Whether `address` is one of the list's addresses (post, -request,
  // -bounces+..., -confirm+..., every reading ClassifyLocalPart knows).
  bool Holds(const base::EmailAddress& address) const {
    if (base::LowerAscii(address.domain) != domain_) return false;
    for (const service::ListAddress& reading : service::ClassifyLocalPart(address.local_part)) {
      if (reading.list_local_part == local_part_) return true;
    }
    return false;
  }

  std::string list_address() const { return local_part_ + "@" + domain_; }

 private:
  std::string local_part_;
  std::string domain_;
};

// The address inside <> if there is one, else the whole trimmed value.
std::string AngleOrWhole(std::string_view value) {
  std::string plain = WithoutComments(value);
  const size_t open = plain.find('<');
  if (open == std::string::npos) return plain;
  const size_t close = plain.find('>', open);
  return plain.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Checks 1 to 5 on the return path; nullopt when it may be answered.
std::optional<AnswerVerdict> CheckReturnPath(std::string_view envelope_from,
                                             const OurAddresses& ours) {
  std::string path(TrimBlanks(envelope_from));
  if (path.size() >= 2 && path.front() == '<' && path.back() == '>') {
    path = std::string(TrimBlanks(std::string_view(path).substr(1, path.size() - 2)));
  }
  if (path.empty()) {
    return Refuse(
        "the return path is null (<>), as for a bounce or another automatic notice: an answer "
        "could not be delivered (RFC 3834 section 2)");
  }
  const size_t at = path.rfind('@');
  const std::string local = base::LowerAscii(path.substr(0, at));
  if (local == "mailer-daemon" || local == "postmaster") {
    return Refuse("the return path " + Quote(path) +
                  " is the mail system's own (MAILER-DAEMON or postmaster): it is not answered "
                  "(RFC 3834 section 2)");
  }
  if (StartsWith(local, "owner-") || EndsWith(local, "-request") || EndsWith(local, "-bounces") ||
      local.find("-bounces+") != std::string::npos) {
    return Refuse("the return path " + Quote(path) +
                  " belongs to list software (owner-*, *-request, *-bounces): answering it could "
                  "loop between two list managers (RFC 3834 section 2)");
  }
  base::Result<base::EmailAddress> address = base::EmailAddress::Parse(path);
  if (!address.ok()) {
    return Refuse("the return path " + Quote(path) + " cannot be read as an address");
  }
  if (ours.Holds(*address)) {
    return Refuse("the return path " + Quote(path) +
                  " is one of this list's own addresses: answering it would loop");
  }
  return std::nullopt;
}

// Check 10 for one field: whether a mailbox of From or Sender is ours.
bool NamesUs(const dkim::Message& msg, std::string_view field, const OurAddresses& ours) {
  for (const dkim::HeaderField* header : msg.FieldsNamed(field)) {
    base::Result<std::vector<base::EmailAddress>> mailboxes =
        pipeline::ParseMailboxList(header->value());
    if (!mailboxes.ok()) continue;
    for (const base::EmailAddress& mailbox : *mailboxes) {
      if (ours.Holds(mailbox)) return true;
    }
  }
  return false;
}

}  // namespace

AnswerVerdict MayAnswer(const AnswerGuardInput& input) {
  const OurAddresses ours(input.list_local_part, input.list_domain);
  if (std::optional<AnswerVerdict> refused = CheckReturnPath(input.envelope_from, ours)) {
    return *refused;
  }
  dkim::Result<dkim::Message> parsed = dkim::Message::Parse(std::string(input.message));
  if (!parsed.ok()) return Refuse("the mail cannot be read as a message: " + parsed.error());
  const dkim::Message& msg = *parsed;

  for (const dkim::HeaderField* field : msg.FieldsNamed("Auto-Submitted")) {
    const std::string keyword = Keyword(field->value());
    if (keyword != "no") {
      return Refuse("the mail is automatic (Auto-Submitted: " +
                    (keyword.empty() ? std::string("without a keyword") : SafeLine(keyword, 60)) +
                    "): only Auto-Submitted: no may be answered (RFC 3834 sections 2 and 5)");
    }
  }
  for (const dkim::HeaderField* field : msg.FieldsNamed("Precedence")) {
    const std::string keyword = Keyword(field->value());
    if (keyword == "bulk" || keyword == "junk" || keyword == "list") {
      return Refuse("the mail has Precedence: " + keyword +
                    ", mass or list mail, which is not answered (RFC 3834 section 2)");
    }
  }
  for (const dkim::HeaderField* field : msg.FieldsNamed("Content-Type")) {
    if (Keyword(field->value()) == "multipart/report") {
      return Refuse(
          "the mail is a delivery or disposition report (multipart/report, RFC 6522): reports "
          "are not answered");
    }
  }
  if (NamesUs(msg, "From", ours) || NamesUs(msg, "Sender", ours)) {
    return Refuse("the mail's From or Sender is one of this list's own addresses (" +
                  ours.list_address() + "): answering it would loop");
  }
  if (!input.list_id.empty()) {
    for (const dkim::HeaderField* field : msg.FieldsNamed("List-Id")) {
      if (dkim::EqualsIgnoreCase(AngleOrWhole(field->value()), input.list_id)) {
        return Refuse("the mail carries this list's own List-Id <" + SafeLine(input.list_id, 100) +
                      ">: it came through the list, and answering it would loop (RFC 2919)");
      }
    }
  }
  for (const dkim::HeaderField* field : msg.FieldsNamed("X-Loop")) {
    base::Result<base::EmailAddress> named =
        base::EmailAddress::Parse(AngleOrWhole(field->value()));
    if (named.ok() && ours.Holds(*named)) {
      return Refuse("the mail carries X-Loop: " + SafeLine(named->ToString(), 100) +
                    ", one of this list's addresses: it went through the list already");
    }
  }
  return AnswerVerdict{true, ""};
}

}  // namespace listd::inbound
