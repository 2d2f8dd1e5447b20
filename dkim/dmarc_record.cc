// DMARC record parsing, RFC 7489 sections 6.3, 6.4 and 6.6.3 step 6
// (dmarc_record.h).
#include "dkim/dmarc_record.h"

#include <utility>

#include "dkim/tag_list.h"

namespace dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ABNF quoted strings match case-insensitively (RFC 5234 section 2.3).
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view TrimWsp(std::string_view s) {
  while (!s.empty() && (IsWsp(s.front()) || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (IsWsp(s.back()) || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<DmarcPolicy> ParsePolicy(std::string_view value) {
  if (EqualsIgnoreCase(value, "none")) return DmarcPolicy::kNone;
  if (EqualsIgnoreCase(value, "quarantine")) return DmarcPolicy::kQuarantine;
  if (EqualsIgnoreCase(value, "reject")) return DmarcPolicy::kReject;
  return std::nullopt;
}

// adkim= / aspf=: "r" or "s" (section 6.4 dmarc-adkim, dmarc-aspf).
std::optional<bool> ParseStrictness(std::string_view value) {
  if (EqualsIgnoreCase(value, "s")) return true;
  if (EqualsIgnoreCase(value, "r")) return false;
  return std::nullopt;
}

// An unsigned decimal of at most `max_digits` digits no larger than `max`.
std::optional<uint64_t> ParseNumber(std::string_view value, size_t max_digits, uint64_t max) {
  if (value.empty() || value.size() > max_digits) return std::nullopt;
  uint64_t n = 0;
  for (char c : value) {
    if (!IsDigit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

// fo=: ("0" / "1" / "d" / "s") separated by ':' (section 6.4 dmarc-fo).
bool IsValidFailureOptions(std::string_view value) {
  bool want_option = true;
  for (char c : value) {
    if (IsWsp(c)) continue;
    if (want_option) {
      if (c != '0' && c != '1' && c != 'd' && c != 's') return false;
      want_option = false;
    } else {
      if (c != ':') return false;
      want_option = true;
    }
  }
  return !want_option;
}

// dmarc-uri (section 6.4): a URI with a scheme (RFC 3986 section 3.1) and a
// non-empty rest, then an optional "!" 1*DIGIT [k/m/g/t] size limit.
bool IsValidDmarcUri(std::string_view uri) {
  size_t bang = uri.rfind('!');
  if (bang != std::string_view::npos) {
    std::string_view size = uri.substr(bang + 1);
    if (!size.empty() &&
        (size.back() == 'k' || size.back() == 'm' || size.back() == 'g' || size.back() == 't')) {
      size.remove_suffix(1);
    }
    // At most 20 digits: the number must fit 64 bits (section 6.4).
    if (size.empty() || size.size() > 20) return false;
    for (char c : size) {
      if (!IsDigit(c)) return false;
    }
    uri = uri.substr(0, bang);
  }
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == uri.size()) return false;
  if (!IsAlpha(uri[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = uri[i];
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : uri.substr(colon + 1)) {
    if (IsWsp(c) || c == ',' || c == '\r' || c == '\n') return false;
  }
  return true;
}

// rua= / ruf=: comma-separated URIs; the valid ones are kept, each invalid
// one is named in `warnings` (section 6.3: ignored, not fatal).
std::vector<std::string> ParseUriList(std::string_view tag, std::string_view value,
                                      std::vector<std::string>& warnings) {
  std::vector<std::string> uris;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    size_t end = comma == std::string_view::npos ? value.size() : comma;
    std::string_view uri = TrimWsp(value.substr(start, end - start));
    if (IsValidDmarcUri(uri)) {
      uris.emplace_back(uri);
    } else {
      warnings.push_back("ignored invalid URI '" + std::string(uri) + "' in " + std::string(tag) +
                         "=");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return uris;
}

}  // namespace

std::string_view ToString(DmarcPolicy policy) {
  switch (policy) {
    case DmarcPolicy::kNone:
      return "none";
    case DmarcPolicy::kQuarantine:
      return "quarantine";
    case DmarcPolicy::kReject:
      return "reject";
  }
  return "none";
}

bool StartsWithDmarcVersion(std::string_view text) {
  // dmarc-version = "v" *WSP "=" *WSP "DMARC1", then a separator or the
  // end (section 6.4). A record for "DMARC10" is not ours.
  std::string_view s = TrimWsp(text);
  if (s.empty() || s.front() != 'v') return false;
  s.remove_prefix(1);
  while (!s.empty() && IsWsp(s.front())) s.remove_prefix(1);
  if (s.empty() || s.front() != '=') return false;
  s.remove_prefix(1);
  while (!s.empty() && IsWsp(s.front())) s.remove_prefix(1);
  if (s.substr(0, 6) != "DMARC1") return false;  // %x44 %x4d ...: case-sensitive
  s.remove_prefix(6);
  while (!s.empty() && IsWsp(s.front())) s.remove_prefix(1);
  return s.empty() || s.front() == ';';
}

Result<DmarcRecord> ParseDmarcRecord(std::string_view text) {
  Result<TagList> tags = TagList::Parse(text);
  if (!tags) return Error{"DMARC record is not a tag-list: " + tags.error()};
  const std::vector<Tag>& list = tags->tags();
  if (list.empty() || list.front().name != "v") {
    return Error{"DMARC record does not start with v= (RFC 7489 section 6.3)"};
  }
  if (list.front().value != "DMARC1") {
    return Error{"DMARC record has v=" + std::string(list.front().value) +
                 ", not v=DMARC1 (RFC 7489 section 6.3)"};
  }
  // The tag-list allows folding around '='; dmarc-version allows only WSP,
  // and discovery keeps only what StartsWithDmarcVersion accepts: one rule.
  if (!StartsWithDmarcVersion(text)) {
    return Error{"DMARC record: only spaces and tabs may surround the '=' of v=DMARC1 (RFC 7489 "
                 "section 6.4)"};
  }

  DmarcRecord record;
  std::optional<DmarcPolicy> p;
  std::string policy_problem;  // why p=/sp= is unusable, when it is
  bool p_seen = false;
  for (size_t i = 1; i < list.size(); ++i) {
    const std::string_view name = list[i].name;
    const std::string_view value = list[i].value;
    auto warn = [&](const char* fallback) {
      record.warnings.push_back("ignored invalid " + std::string(name) + "=" + std::string(value) +
                                " (using " + fallback + ")");
    };
    if (name == "p") {
      p_seen = true;
      p = ParsePolicy(value);
      if (!p) policy_problem = "invalid p=" + std::string(value);
    } else if (name == "sp") {
      record.sp = ParsePolicy(value);
      if (!record.sp) policy_problem = "invalid sp=" + std::string(value);
    } else if (name == "adkim") {
      std::optional<bool> strict = ParseStrictness(value);
      if (strict) {
        record.adkim_strict = *strict;
      } else {
        warn("adkim=r");
      }
    } else if (name == "aspf") {
      std::optional<bool> strict = ParseStrictness(value);
      if (strict) {
        record.aspf_strict = *strict;
      } else {
        warn("aspf=r");
      }
    } else if (name == "pct") {
      // 1*3DIGIT (section 6.4), between 0 and 100 (section 6.3).
      std::optional<uint64_t> pct = ParseNumber(value, 3, 100);
      if (pct) {
        record.pct = static_cast<int>(*pct);
      } else {
        warn("pct=100");
      }
    } else if (name == "ri") {
      // A 32-bit unsigned integer (section 6.3); 10 digits hold it.
      std::optional<uint64_t> ri = ParseNumber(value, 10, UINT32_MAX);
      if (ri) {
        record.ri = static_cast<uint32_t>(*ri);
      } else {
        warn("ri=86400");
      }
    } else if (name == "fo") {
      if (IsValidFailureOptions(value)) {
        record.fo = std::string(value);
      } else {
        warn("fo=0");
      }
    } else if (name == "rf") {
      record.rf = std::string(value);
    } else if (name == "rua") {
      record.rua = ParseUriList(name, value, record.warnings);
    } else if (name == "ruf") {
      record.ruf = ParseUriList(name, value, record.warnings);
    }
    // Anything else: unknown tags MUST be ignored (section 6.3).
  }
  if (!p_seen) policy_problem = "no p=";

  if (policy_problem.empty()) {
    record.p = *p;
    return record;
  }
  // Section 6.6.3 step 6: act as p=none when rua= can take reports, else
  // the record is unusable.
  if (!record.rua.empty()) {
    record.p = DmarcPolicy::kNone;
    record.sp.reset();
    record.policy_from_rua = true;
    record.warnings.push_back(policy_problem +
                              ": reading the record as p=none since rua= is valid (RFC 7489 "
                              "section 6.6.3 step 6)");
    return record;
  }
  return Error{"DMARC record has " + policy_problem +
               " and no valid rua= (RFC 7489 section 6.6.3 step 6)"};
}

}  // namespace dkim
