// Address parsing for list membership: RFC 5322 section 3.4.1 addr-spec in
// its common dot-atom form, with RFC 5321 section 4.5.3.1 length limits.
// Quoted local parts and address literals are refused: a list address book
// has no use for them and they are a favourite of abuse.
#include "base/email_address.h"

#include "base/ascii.h"

namespace base {

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsDomain(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  size_t label = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (label == 0 || label > 63) return false;
      if (s[i - 1] == '-' || s[i - label] == '-') return false;
      label = 0;
      continue;
    }
    char c = s[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    ++label;
  }
  return true;
}

// "<problem> in '<text>'", built by appending (GCC 12 misreports
// "literal" + std::string at -O3 as overlapping memcpy, PR 105651).
Error Problem(std::string_view problem, std::string_view text) {
  std::string message(problem);
  message.append(" in '").append(text).append("'");
  return Error{ErrorKind::kInvalid, std::move(message)};
}

}  // namespace

Result<EmailAddress> EmailAddress::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  EmailAddress address;
  size_t open = s.rfind('<');
  if (open != std::string_view::npos) {
    if (s.back() != '>') return Problem("'<' without a closing '>'", s);
    std::string_view name = Trim(s.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    // A name may reach a header field (a To, a From "via" the list): no
    // control character may ride in it (RFC 5322 section 3.2.5).
    for (char c : name) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f)
        return Problem("a control character in the name", s);
    }
    address.display_name = std::string(name);
    s = Trim(s.substr(open + 1, s.size() - open - 2));
  }
  size_t at = s.rfind('@');
  if (at == std::string_view::npos) return Problem("no '@'", s);
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.empty() || local.size() > 64 || !IsDotAtom(local)) {
    return Problem("invalid local part", s);
  }
  if (!IsDomain(domain)) return Problem("invalid domain", s);
  address.local_part = std::string(local);
  address.domain = LowerAscii(domain);
  return address;
}

}  // namespace base
