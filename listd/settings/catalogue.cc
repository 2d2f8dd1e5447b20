// The settings catalogue and its validators.
//
// STANDARDS
//   RFC 6376 section 3.4 and 3.5 (c= and its one-word form: the body
//   defaults to simple), section 5.4 (From must be signed);
//   RFC 5322 section 3.6.8 (field names); RFC 8601 section 2.2
//   (authserv-id); RFC 1035 section 2.3.4 (label and name lengths).
// LIMITS
//   subject_tag and description at most 100 bytes, one line; template
//   names at most 100 bytes (base/template_name.h);
//   sizes and durations at most 2^62.
#include "listd/settings/catalogue.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "base/ascii.h"
#include "base/template_name.h"
#include "dkim/signer.h"

namespace listd::settings {
namespace {

constexpr size_t kMaxTextBytes = 100;
constexpr uint64_t kMaxNumber = uint64_t{1} << 62;
constexpr uint64_t kMaxCount = 1000000000;
constexpr uint64_t kMaxScore = 1000;

std::string Fixed(std::string_view value) { return std::string(value); }

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

const std::vector<SettingSpec>& BuildCatalogue() {
  static const std::vector<SettingSpec> catalogue = {
      {SettingId::kSubjectTag,
       "subject_tag",
       "text put in front of every post's Subject (empty: none)",
       SettingType::kText,
       {},
       [](const base::EmailAddress& list) { return "[" + list.local_part + "]"; }},
      {SettingId::kFooterTemplate,
       "footer_template",
       "Mustache template appended to every post, by file name: looked up in the list's "
       "override directory (TEMPLATES/lists/<list address>/), then listd's templates "
       "directory, then the built-in one (empty: no footer)",
       SettingType::kTemplateName,
       {},
       [](const base::EmailAddress&) { return Fixed("footer.mustache"); }},
      {SettingId::kReplyTo,
       "reply_to",
       "where replies go: leave the post's own (none), the list, or the author",
       SettingType::kEnum,
       {"none", "list", "author"},
       [](const base::EmailAddress&) { return Fixed("none"); }},
      {SettingId::kPostingPolicy,
       "posting_policy",
       "who may post",
       SettingType::kEnum,
       {"members-only", "moderated", "announce-only", "open"},
       [](const base::EmailAddress&) { return Fixed("members-only"); }},
      {SettingId::kNonmemberAction,
       "nonmember_action",
       "what happens to a post from a non-member",
       SettingType::kEnum,
       {"hold", "reject", "discard"},
       [](const base::EmailAddress&) { return Fixed("hold"); }},
      {SettingId::kUnauthenticatedRejection,
       "unauthenticated_rejection",
       "what a rejection becomes when its envelope sender is not authenticated (no aligned "
       "DKIM pass, no trusted SPF pass), since a notice would go to whoever's address was "
       "forged: discard it, or hold it for a moderator",
       SettingType::kEnum,
       {"discard", "hold"},
       [](const base::EmailAddress&) { return Fixed("discard"); }},
      {SettingId::kPostingAuth,
       "posting_auth",
       "what makes a post a member's: aligned (the From domain is authenticated: a passing "
       "DKIM signature aligned with it, or dmarc=pass from a trusted upstream), or from (the "
       "From address alone)",
       SettingType::kEnum,
       {"aligned", "from"},
       [](const base::EmailAddress&) { return Fixed("aligned"); }},
      {SettingId::kUnauthenticatedMemberAction,
       "unauthenticated_member_action",
       "with posting_auth=aligned, what happens to a member's post that its author domain did "
       "not sign at all (no aligned DKIM signature, no upstream dmarc=pass): hold it, or "
       "accept it as the member's",
       SettingType::kEnum,
       {"hold", "accept"},
       [](const base::EmailAddress&) { return Fixed("hold"); }},
      {SettingId::kBanAction,
       "ban_action",
       "what happens to a post whose From is banned (on this list or site-wide)",
       SettingType::kEnum,
       {"discard", "reject"},
       [](const base::EmailAddress&) { return Fixed("discard"); }},
      {SettingId::kMaxSize,
       "max_size",
       "largest post accepted, in bytes (0: no limit)",
       SettingType::kBytes,
       {},
       [](const base::EmailAddress&) { return Fixed("5242880"); }},
      {SettingId::kDmarcMitigation,
       "dmarc_mitigation",
       "change made to posts whose author domain's DMARC policy is quarantine or reject "
       "(munge-from: From becomes the list, the author goes to Reply-To or Cc; wrap: the "
       "post goes inside a message from the list)",
       SettingType::kEnum,
       {"none", "munge-from", "wrap"},
       [](const base::EmailAddress&) { return Fixed("munge-from"); }},
      {SettingId::kDmarcMitigateUnconditionally,
       "dmarc_mitigate_unconditionally",
       "apply dmarc_mitigation to every post, whatever the author domain's DMARC policy",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("off"); }},
      {SettingId::kAuthservId,
       "authserv_id",
       "authserv-id of the Authentication-Results field (empty: listd's own)",
       SettingType::kAuthservId,
       {},
       [](const base::EmailAddress&) { return Fixed(""); }},
      {SettingId::kSigningDomain,
       "signing.domain",
       "the d= of the list's DKIM signatures",
       SettingType::kDomain,
       {},
       [](const base::EmailAddress& list) { return list.domain; }},
      {SettingId::kSigningAlgorithms,
       "signing.algorithms",
       "which active keys sign: RSA, Ed25519 or both",
       SettingType::kEnum,
       {"rsa", "ed25519", "both"},
       [](const base::EmailAddress&) { return Fixed("both"); }},
      {SettingId::kSigningHeaders,
       "signing.headers",
       "header fields signed (h=); From is required",
       SettingType::kHeaderList,
       {},
       [](const base::EmailAddress&) {
         return Join(dkim::SignerOptions::DefaultSignedHeaders(), ":");
       }},
      {SettingId::kSigningOversign,
       "signing.oversign",
       "fields signed once more than they occur, so none can be added",
       SettingType::kHeaderList,
       {},
       [](const base::EmailAddress&) { return Fixed("From:Subject"); }},
      {SettingId::kSigningCanonicalization,
       "signing.canonicalization",
       "c= as header/body",
       SettingType::kCanonicalization,
       {},
       [](const base::EmailAddress&) { return Fixed("relaxed/relaxed"); }},
      {SettingId::kSigningExpire,
       "signing.expire",
       "signature lifetime for x=, in seconds (0: no x=)",
       SettingType::kSeconds,
       {},
       [](const base::EmailAddress&) { return Fixed("0"); }},
      {SettingId::kRemoveDkimSignatures,
       "remove_dkim_signatures",
       "remove the author's DKIM-Signature fields, which the subject tag and footer break",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("off"); }},
      {SettingId::kArc,
       "arc",
       "seal every post with an ARC set (RFC 8617) after signing it, when the list has a key",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("on"); }},
      {SettingId::kSubscriptionPolicy,
       "subscription_policy",
       "how someone joins: at once (open), after confirming from their own mailbox "
       "(confirm, double opt-in), when a moderator approves (moderate), or both in turn "
       "(confirm_then_moderate)",
       SettingType::kEnum,
       {"open", "confirm", "moderate", "confirm_then_moderate"},
       [](const base::EmailAddress&) { return Fixed("confirm"); }},
      {SettingId::kUnsubscriptionPolicy,
       "unsubscription_policy",
       "how a member leaves: at once when the request comes authenticated from the member's "
       "own address, else after confirming (open), or always after confirming (confirm)",
       SettingType::kEnum,
       {"open", "confirm"},
       [](const base::EmailAddress&) { return Fixed("open"); }},
      {SettingId::kPendingRequestLife,
       "pending_request_life",
       "how long a confirmation token, a request waiting for a moderator and a moderation "
       "notice's token stay valid",
       SettingType::kSeconds,
       {},
       [](const base::EmailAddress&) { return Fixed("259200"); }},
      {SettingId::kConfirmationsPerHour,
       "confirmations_per_hour",
       "most confirmation mails the list sends in an hour (past it, requests are recorded "
       "as throttled and not mailed)",
       SettingType::kCount,
       {},
       [](const base::EmailAddress&) { return Fixed("60"); }},
      {SettingId::kNotifyOwnersOfHeld,
       "notify_owners_of_held",
       "mail the owners too, not only the moderators, when a post is held",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("on"); }},
      // Bounce processing: Mailman 3's names and defaults.
      {SettingId::kBounceScoreThreshold,
       "bounce_score_threshold",
       "the bounce score at which a member's delivery is disabled (a permanent failure adds "
       "1, at most once a day)",
       SettingType::kScore,
       {},
       [](const base::EmailAddress&) { return Fixed("5.0"); }},
      {SettingId::kBounceInfoStaleAfter,
       "bounce_info_stale_after",
       "how long after a member's last failure their bounce score starts again from 0",
       SettingType::kSeconds,
       {},
       [](const base::EmailAddress&) { return Fixed("604800"); }},
      {SettingId::kBounceYouAreDisabledWarnings,
       "bounce_you_are_disabled_warnings",
       "how many warnings a member disabled by bounces is sent, saying how to re-enable, "
       "before being removed (0: removed at once)",
       SettingType::kCount,
       {},
       [](const base::EmailAddress&) { return Fixed("3"); }},
      {SettingId::kBounceYouAreDisabledWarningsInterval,
       "bounce_you_are_disabled_warnings_interval",
       "the time between those warnings, and from the last one to the removal",
       SettingType::kSeconds,
       {},
       [](const base::EmailAddress&) { return Fixed("604800"); }},
      {SettingId::kBounceNotifyOwnerOnDisable,
       "bounce_notify_owner_on_disable",
       "tell the owners when bounces disable a member's delivery",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("on"); }},
      {SettingId::kBounceNotifyOwnerOnRemoval,
       "bounce_notify_owner_on_removal",
       "tell the owners when bounces remove a member",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("on"); }},
      {SettingId::kBounceProbe,
       "bounce_probe",
       "at the threshold, send the member a probe first and disable only if the probe "
       "bounces",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("off"); }},
      {SettingId::kForwardUnrecognizedBounces,
       "forward_unrecognized_bounces",
       "send the owners a daily digest of the bounces that name no member (off: discard "
       "them)",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("on"); }},
      {SettingId::kComplaintAction,
       "complaint_action",
       "what a spam complaint (an RFC 5965 feedback report) about list mail does to the "
       "member: unsubscribe, disable delivery, or only notify the owners; the member is "
       "never mailed about it",
       SettingType::kEnum,
       {"unsubscribe", "disable", "notify"},
       [](const base::EmailAddress&) { return Fixed("unsubscribe"); }},
      {SettingId::kAdvertised,
       "advertised",
       "whether the list is shown on the web face's /lists and has a public info page with "
       "its subscribe form (off: both answer 404, as for an unknown list)",
       SettingType::kEnum,
       {"on", "off"},
       [](const base::EmailAddress&) { return Fixed("off"); }},
      {SettingId::kDescription,
       "description",
       "one line on what the list is about, for its info page (validated as every text that may "
       "reach a header: no line breaks or control characters, at most 100 bytes)",
       SettingType::kText,
       {},
       [](const base::EmailAddress&) { return Fixed(""); }},
  };
  return catalogue;
}

// Digits with an optional unit suffix; `units` maps a lower-case suffix to
// its multiplier.
base::Result<std::string> ParseScaled(std::string_view value,
                                      const std::vector<std::pair<char, uint64_t>>& units) {
  std::string_view digits = value;
  uint64_t multiplier = 1;
  if (!digits.empty()) {
    char last = base::LowerAscii(digits.substr(digits.size() - 1))[0];
    for (const auto& [suffix, factor] : units) {
      if (last == suffix) {
        multiplier = factor;
        digits.remove_suffix(1);
        break;
      }
    }
  }
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return base::Error{""};
  }
  uint64_t number = 0;
  for (char c : digits) {
    number = number * 10 + static_cast<uint64_t>(c - '0');
    if (number > kMaxNumber) return base::Error{"too large"};
  }
  if (number > kMaxNumber / multiplier) return base::Error{"too large"};
  return std::to_string(number * multiplier);
}

// A score as stored: "5.0", "2.5", "0.25" (at most two decimals, above 0,
// at most kMaxScore), or none when `text` is not one.
std::optional<std::string> NormalizeScore(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 4 || !digits(whole) || fraction.size() > 2 ||
      !digits(fraction) || (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  uint64_t hundredths = std::stoull(std::string(whole)) * 100;
  if (!fraction.empty()) {
    hundredths += std::stoull(std::string(fraction)) * (fraction.size() == 1 ? 10 : 1);
  }
  if (hundredths == 0 || hundredths > kMaxScore * 100) return std::nullopt;
  std::string normal = std::to_string(hundredths / 100) + ".";
  uint64_t rest = hundredths % 100;
  normal +=
      rest % 10 == 0 ? std::to_string(rest / 10) : (rest < 10 ? "0" : "") + std::to_string(rest);
  return normal;
}

// RFC 1035 host name rules (letters, digits, hyphens; labels of 1..63;
// at most 253 in all), at least two labels; one trailing dot is dropped.
bool IsDomain(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

// RFC 5322 section 3.6.8: printable US-ASCII but ':'.
bool IsFieldName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 33 && u <= 126 && c != ':';
  });
}

// RFC 2045 token: the form an authserv-id takes in practice (a host name).
bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 &&
           std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
  });
}

base::Result<std::string> ValidateHeaderList(const SettingSpec& spec, std::string_view value) {
  const std::string name(spec.name);
  std::vector<std::string> fields;
  std::vector<std::string> seen;
  value = Trim(value);
  if (value.empty()) {
    if (spec.id == SettingId::kSigningHeaders)
      return base::Error{base::ErrorKind::kInvalid, name + " must list at least From"};
    return std::string();
  }
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(':', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view field = Trim(value.substr(start, end - start));
    if (!IsFieldName(field)) {
      return base::Error{base::ErrorKind::kInvalid,
                         name + " must be header field names separated by ':', not '" +
                             std::string(value) + "' ('" + std::string(field) +
                             "' is not a field name)"};
    }
    std::string lower = base::LowerAscii(field);
    if (std::find(seen.begin(), seen.end(), lower) != seen.end()) {
      return base::Error{base::ErrorKind::kInvalid,
                         name + " names " + std::string(field) +
                             " twice (to sign a field once more than it occurs, use "
                             "signing.oversign)"};
    }
    seen.push_back(lower);
    fields.emplace_back(field);
    start = end + 1;
  }
  // RFC 6376 section 5.4: the From header field MUST be signed.
  if (spec.id == SettingId::kSigningHeaders &&
      std::find(seen.begin(), seen.end(), "from") == seen.end()) {
    return base::Error{base::ErrorKind::kInvalid,
                       name + " must include From (RFC 6376 section 5.4 requires it signed)"};
  }
  return Join(fields, ":");
}

base::Result<std::string> ValidateCanonicalization(const SettingSpec& spec,
                                                   std::string_view value) {
  std::string text = base::LowerAscii(Trim(value));
  std::string header = text;
  std::string body = "simple";  // RFC 6376 section 3.5: the one-word form
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    header = text.substr(0, slash);
    body = text.substr(slash + 1);
  }
  auto known = [](const std::string& c) { return c == "simple" || c == "relaxed"; };
  if (!known(header) || !known(body)) {
    return base::Error{base::ErrorKind::kInvalid, std::string(spec.name) + " must be " +
                                                      DescribeAllowed(spec) + ", not '" +
                                                      std::string(value) + "'"};
  }
  return header + "/" + body;
}

}  // namespace

const std::vector<SettingSpec>& Catalogue() { return BuildCatalogue(); }

const SettingSpec& Spec(SettingId id) { return Catalogue()[static_cast<size_t>(id)]; }

const SettingSpec* FindSetting(std::string_view name) {
  for (const SettingSpec& spec : Catalogue()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string DescribeAllowed(const SettingSpec& spec) {
  switch (spec.type) {
    case SettingType::kEnum: {
      std::string out = "one of ";
      for (size_t i = 0; i < spec.allowed.size(); ++i) {
        if (i > 0) out += ", ";
        out += spec.allowed[i];
      }
      return out;
    }
    case SettingType::kBytes:
      return "a size in bytes (digits, optionally followed by K, M or G)";
    case SettingType::kSeconds:
      return "a duration in seconds (digits, optionally followed by s, m, h, d or w)";
    case SettingType::kHeaderList:
      return "header field names separated by ':' (e.g. From:To:Subject)";
    case SettingType::kDomain:
      return "a domain name (e.g. lists.example.org)";
    case SettingType::kAuthservId:
      return "empty or a host name (no spaces, quotes or ;)";
    case SettingType::kText:
      return "one line of text of at most " + std::to_string(kMaxTextBytes) + " bytes";
    case SettingType::kTemplateName:
      return "empty or a template's file name (letters, digits, . _ -, ending in .mustache, no "
             "'/')";
    case SettingType::kCanonicalization:
      return "simple or relaxed, or header/body such as relaxed/simple";
    case SettingType::kCount:
      return "a whole number from 0 to " + std::to_string(kMaxCount);
    case SettingType::kScore:
      return "a number above 0 and at most " + std::to_string(kMaxScore) +
             ", with at most two decimals (e.g. 5 or 2.5)";
  }
  return "";
}

base::Error UnknownSetting(std::string_view name) {
  std::string known;
  for (const SettingSpec& s : Catalogue()) {
    if (!known.empty()) known += ", ";
    known += s.name;
  }
  return base::Invalid("unknown setting '" + std::string(name) + "'; settings are: " + known);
}

base::Result<std::string> Validate(std::string_view name, std::string_view value) {
  const SettingSpec* spec = FindSetting(name);
  if (spec == nullptr) return UnknownSetting(name);
  const std::string key(spec->name);
  const std::string given(value);
  auto must_be = [&](const std::string& why = "") {
    return base::Error{base::ErrorKind::kInvalid, key + " must be " + DescribeAllowed(*spec) +
                                                      ", not '" + given + "'" +
                                                      (why.empty() ? "" : " (" + why + ")")};
  };
  switch (spec->type) {
    case SettingType::kEnum: {
      std::string lower = base::LowerAscii(Trim(value));
      for (std::string_view allowed : spec->allowed) {
        if (lower == allowed) return lower;
      }
      return must_be();
    }
    case SettingType::kBytes: {
      base::Result<std::string> n =
          ParseScaled(Trim(value), {{'k', 1024}, {'m', 1024 * 1024}, {'g', 1024 * 1024 * 1024}});
      if (!n) return must_be(n.error());
      return n;
    }
    case SettingType::kSeconds: {
      base::Result<std::string> n = ParseScaled(
          Trim(value), {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}});
      if (!n) return must_be(n.error());
      return n;
    }
    case SettingType::kHeaderList:
      return ValidateHeaderList(*spec, value);
    case SettingType::kDomain: {
      std::string domain = base::LowerAscii(Trim(value));
      if (!IsDomain(domain)) return must_be();
      if (domain.back() == '.') domain.pop_back();
      return domain;
    }
    case SettingType::kAuthservId: {
      std::string_view id = Trim(value);
      if (!id.empty() && !IsToken(id)) return must_be();
      return std::string(id);
    }
    case SettingType::kText:
      if (HasControl(value)) return must_be("no line breaks or control characters");
      if (value.size() > kMaxTextBytes) return must_be("too long");
      return given;
    case SettingType::kTemplateName: {
      std::string_view file = Trim(value);
      if (file.empty()) return std::string();
      if (!base::IsTemplateName(file)) {
        return must_be("a name inside the template directories, not a path");
      }
      return std::string(file);
    }
    case SettingType::kCanonicalization:
      return ValidateCanonicalization(*spec, value);
    case SettingType::kCount: {
      base::Result<std::string> n = ParseScaled(Trim(value), {});
      if (!n) return must_be(n.error());
      if (std::stoull(*n) > kMaxCount) return must_be("too large");
      return n;
    }
    case SettingType::kScore: {
      std::optional<std::string> score = NormalizeScore(Trim(value));
      if (!score) return must_be();
      return *score;
    }
  }
  return must_be();
}

}  // namespace listd::settings
