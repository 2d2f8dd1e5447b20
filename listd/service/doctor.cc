// The doctor's examinations (see doctor.h for the rules and their sources).
#include "listd/service/doctor.h"
#include "base/ascii.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "dkim/tag_list.h"
#include "listd/service/key_service.h"
#include "listd/settings/catalogue.h"

namespace listd {

using base::Error;
using base::Result;
using storage::KeyRecord;
using storage::KeyState;

namespace {

// A name as compared here: ASCII lower case, without the root's trailing dot.
std::string NormalizedDomain(std::string_view text) {
  std::string out = base::LowerAscii(text);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

int64_t ParseSeconds(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return 0;
  return value;
}

// Collects findings; the list's address goes into the fixes so they can
// be pasted as they are.
class Findings {
 public:
  explicit Findings(std::string list) : list_(std::move(list)) {}
  void Add(Severity severity, std::string code, std::string message, std::string fix) {
    findings_.push_back({severity, std::move(code), std::move(message), std::move(fix)});
  }
  const std::string& list() const { return list_; }
  std::vector<Finding> Take() {
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      return static_cast<int>(a.severity) < static_cast<int>(b.severity);
    });
    return std::move(findings_);
  }

 private:
  std::string list_;
  std::vector<Finding> findings_;
};

std::string KeyName(const KeyRecord& key) {
  return "the " + key.algorithm + " key '" + key.selector + "'";
}

// Which algorithms the list signs with, per its signing.algorithms.
bool SignsWith(const std::string& setting, const std::string& algorithm) {
  return setting == "both" || setting == algorithm;
}

void ExamineSigningKeys(const std::vector<KeyRecord>& keys, const std::string& algorithms,
                        Findings& out) {
  std::set<std::string> active;
  std::set<std::string> signing;
  const KeyRecord* waiting = nullptr;
  for (const KeyRecord& key : keys) {
    // The fix names a waiting key, RSA first: every receiver verifies RSA.
    if (key.state == KeyState::kGenerated &&
        (waiting == nullptr || (waiting->algorithm != "rsa" && key.algorithm == "rsa"))) {
      waiting = &key;
    }
    if (key.state != KeyState::kActive) continue;
    active.insert(key.algorithm);
    if (SignsWith(algorithms, key.algorithm)) signing.insert(key.algorithm);
  }
  const std::string& list = out.list();
  if (signing.empty()) {
    std::string message = active.empty()
                              ? "no active key: the list will deliver its mail unsigned"
                              : "no active key signs: signing.algorithms is " + algorithms +
                                    " but the active keys are " + *active.begin() +
                                    " keys, so the list will deliver its mail unsigned";
    std::string fix =
        waiting != nullptr
            ? "publish " + KeyName(*waiting) + " (listctl key dns " + list + " --selector " +
                  waiting->selector + "), then listctl key activate " + list + " --selector " +
                  waiting->selector + " --algo " + waiting->algorithm
            : "listctl key generate " + list +
                  " --algo rsa, publish the record listctl key dns prints, then listctl key "
                  "activate " +
                  list + " --selector SELECTOR";
    if (!active.empty() && waiting == nullptr) {
      fix = "listctl list set " + list + " signing.algorithms=both, or generate and activate a " +
            (algorithms == "both" ? std::string("key") : algorithms + " key");
    }
    out.Add(Severity::kError, "no-active-key", message, fix);
    return;
  }
  for (const std::string& algorithm : active) {
    if (!signing.count(algorithm)) {
      out.Add(Severity::kNote, "active-key-unused",
              "the list has an active " + algorithm + " key but signing.algorithms is " +
                  algorithms + ", so it does not sign",
              "listctl list set " + list + " signing.algorithms=both, or retire the " + algorithm +
                  " key");
    }
  }
  if (signing.count("rsa") == 0) {
    // RFC 8463 section 6: signers add an RSA signature beside Ed25519 for
    // the receivers that do not verify Ed25519 yet.
    out.Add(Severity::kWarning, "ed25519-only",
            "the list signs with Ed25519 only: receivers that do not implement RFC 8463 see "
            "no valid signature",
            "add an RSA key beside it: listctl key generate " + list +
                " --algo rsa, publish it and activate it (RFC 8463 section 6)");
  } else if (signing.count("ed25519") == 0 && algorithms == "both") {
    out.Add(Severity::kNote, "rsa-only",
            "the list signs with RSA only; signers SHOULD also sign with Ed25519 (RFC 8463 "
            "section 5)",
            "listctl key generate " + list + " --algo ed25519, publish it and activate it");
  }
}

// RFC 8301 section 3.2, for keys that sign or are about to.
void ExamineKeySizes(const std::vector<KeyRecord>& keys, Findings& out) {
  for (const KeyRecord& key : keys) {
    if (key.algorithm != "rsa" || key.state == KeyState::kRetired) continue;
    if (key.bits >= kRecommendedRsaBits) continue;
    const bool signs = key.state == KeyState::kActive;
    const std::string fix = "listctl key rotate " + out.list() +
                            " --algo rsa (makes a 2048-bit key), publish and activate it, then "
                            "retire " +
                            key.selector;
    if (key.bits < kMinRsaBits) {
      out.Add(
          signs ? Severity::kError : Severity::kWarning, "rsa-key-too-short",
          KeyName(key) + " has " + std::to_string(key.bits) +
              " bits: verifiers MUST NOT accept signatures from RSA keys under 1024 bits "
              "(RFC 8301 section 3.2)",
          signs ? fix : "remove it: listctl key rm " + out.list() + " --selector " + key.selector);
    } else {
      out.Add(Severity::kWarning, "rsa-key-short",
              KeyName(key) + " has " + std::to_string(key.bits) +
                  " bits; signers SHOULD use at least 2048 (RFC 8301 section 3.2), and some "
                  "receivers already discount shorter keys",
              fix);
    }
  }
}

void ExamineRecords(const std::vector<KeyCheck>& checks, Findings& out) {
  const std::string& list = out.list();
  for (const KeyCheck& check : checks) {
    const KeyRecord& key = check.key;
    const std::string publish = "publish the record listctl key dns " + list + " --selector " +
                                key.selector + " prints at " + check.name;
    const bool active = key.state == KeyState::kActive;
    switch (check.outcome) {
      case KeyCheckOutcome::kMatch:
        if (check.testing && active) {
          out.Add(Severity::kNote, "record-testing",
                  "the record of " + KeyName(key) +
                      " has t=y: receivers may treat failed signatures as unsigned (RFC 6376 "
                      "section 3.6.1)",
                  "remove t=y from the record once signing is known to work");
        } else if (!active) {
          out.Add(Severity::kNote, "key-ready",
                  KeyName(key) + " is published and matches; it can be activated",
                  "listctl key activate " + list + " --selector " + key.selector + " --algo " +
                      key.algorithm);
        }
        break;
      case KeyCheckOutcome::kMissing:
        if (active) {
          out.Add(Severity::kError, "record-missing",
                  "no key record for the active " + KeyName(key) + " at " + check.name +
                      ": every signature made with it fails",
                  publish);
        } else {
          out.Add(Severity::kNote, "record-not-published",
                  KeyName(key) + " is generated but not published yet (" + check.name + ")",
                  publish + ", then activate it");
        }
        break;
      case KeyCheckOutcome::kMismatch:
        out.Add(active ? Severity::kError : Severity::kWarning, "record-mismatch",
                "the record at " + check.name + " does not carry " + KeyName(key) + ": " +
                    check.detail + (active ? "; every signature made with it fails" : ""),
                "replace it: " + publish);
        break;
      case KeyCheckOutcome::kTempError:
        out.Add(Severity::kWarning, "record-unchecked",
                "could not check the record of " + KeyName(key) + " at " + check.name + ": " +
                    check.detail,
                "try again later, or name a working DNS server with --dns HOST:PORT");
        break;
    }
  }
}

// Retired keys' records should outlive the signatures made with them.
void ExamineRetiredRecords(const std::vector<KeyRecord>& keys, const std::string& domain,
                           int64_t lifetime, int64_t now, dkim::TxtResolver& dns, Findings& out) {
  for (const KeyRecord& key : keys) {
    if (key.state != KeyState::kRetired || !key.retired_at) continue;
    if (*key.retired_at + lifetime + kRecordGraceSeconds <= now) continue;
    const std::string name = KeyService::RecordName(key.selector, domain);
    KeyCheck check = CompareWithRecord(key, name, dns.LookupTxt(name));
    if (check.outcome == KeyCheckOutcome::kMissing || check.outcome == KeyCheckOutcome::kMismatch) {
      out.Add(Severity::kWarning, "retired-record-withdrawn",
              "the record of the recently retired " + KeyName(key) + " at " + name +
                  " is gone or changed (" + check.detail +
                  "): mail it signed that is still on its way will fail",
              "publish it again until the mail signed before retirement has arrived: listctl "
              "key dns " +
                  out.list() + " --selector " + key.selector);
    }
  }
}

// RFC 8463 section 6: one selector holds one key record, so keys of two
// algorithms need two selectors. Both published at one name, a verifier
// may use either (RFC 6376 section 3.6.2.2) and fail a good signature.
void ExamineSharedSelectors(const std::vector<KeyRecord>& keys, Findings& out) {
  std::map<std::string, std::vector<const KeyRecord*>> by_selector;
  for (const KeyRecord& key : keys) by_selector[NormalizedDomain(key.selector)].push_back(&key);
  for (const auto& [selector, sharing] : by_selector) {
    std::set<std::string> algorithms;
    int active = 0;
    for (const KeyRecord* key : sharing) {
      algorithms.insert(key->algorithm);
      if (key->state == KeyState::kActive) ++active;
    }
    if (algorithms.size() < 2) continue;
    // Both signing is worse than both stored: then some real signatures
    // meet the other algorithm's record.
    out.Add(active >= 2 ? Severity::kError : Severity::kWarning, "selector-shared",
            "selector '" + sharing.front()->selector +
                "' holds both an rsa and an ed25519 key; signatures of different algorithms "
                "have to use different selectors, because one selector publishes one key "
                "record (RFC 8463 section 6)",
            "generate a key of one of the algorithms under a new selector (listctl key rotate " +
                out.list() +
                " --algo ALGO), activate it, then retire and remove the one that "
                "shares '" +
                sharing.front()->selector + "'");
  }
}

// A DMARC record found for a domain (RFC 7489 section 6.6.3).
struct DmarcLookup {
  enum class Outcome { kFound, kNone, kMultiple, kTempError } outcome = Outcome::kNone;
  std::string domain;  // where it was found, or where we looked first
  std::string record;
  std::string error;
};

// RFC 7489 section 6.3: the record starts with "v=DMARC1" (the version
// tag, case-sensitive, blanks allowed around '=').
bool IsDmarcRecord(std::string_view text) {
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip_blanks();
  if (i >= text.size() || text[i] != 'v') return false;
  ++i;
  skip_blanks();
  if (i >= text.size() || text[i] != '=') return false;
  ++i;
  skip_blanks();
  if (text.substr(i, 6) != "DMARC1") return false;
  i += 6;
  skip_blanks();
  return i == text.size() || text[i] == ';';
}

DmarcLookup LookupDmarcAt(const std::string& domain, dkim::TxtResolver& dns) {
  DmarcLookup result;
  result.domain = domain;
  dkim::TxtAnswer answer = dns.LookupTxt("_dmarc." + domain);
  if (answer.status == dkim::TxtAnswer::Status::kTempFail) {
    result.outcome = DmarcLookup::Outcome::kTempError;
    result.error = answer.error;
    return result;
  }
  std::vector<std::string> records;
  if (answer.status == dkim::TxtAnswer::Status::kFound) {
    for (const std::string& text : answer.records) {
      if (IsDmarcRecord(text)) records.push_back(text);
    }
  }
  if (records.empty()) return result;
  result.outcome =
      records.size() == 1 ? DmarcLookup::Outcome::kFound : DmarcLookup::Outcome::kMultiple;
  result.record = records.front();
  return result;
}

// RFC 7489 section 6.6.3 steps 1-4: the From domain, then its
// organizational domain when different.
DmarcLookup LookupDmarc(const std::string& domain, dkim::TxtResolver& dns) {
  DmarcLookup at_domain = LookupDmarcAt(domain, dns);
  const std::string organizational = OrganizationalDomain(domain);
  if (at_domain.outcome != DmarcLookup::Outcome::kNone || organizational == domain) {
    return at_domain;
  }
  return LookupDmarcAt(organizational, dns);
}

void ExamineDmarc(const std::string& list_domain, const std::string& signing_domain,
                  const std::string& mitigation, dkim::TxtResolver& dns, Findings& out) {
  const std::string& list = out.list();
  DmarcLookup dmarc = LookupDmarc(list_domain, dns);
  const bool strict_match = signing_domain == list_domain;
  const bool relaxed_match =
      OrganizationalDomain(signing_domain) == OrganizationalDomain(list_domain);

  if (!relaxed_match) {
    // Mail the list sends in its own name (every post when From is
    // rewritten or wrapped, and always its notices) passes DMARC through
    // DKIM only with an aligned d= (RFC 7489 section 3.1.1). With From
    // rewriting that is every post, so it is an error; otherwise only the
    // list's own mail suffers, a warning.
    const bool rewrites_from = mitigation != "none";
    out.Add(rewrites_from ? Severity::kError : Severity::kWarning, "domain-not-aligned",
            "the signing domain " + signing_domain + " is not aligned with the list's domain " +
                list_domain + " (different organizational domains, RFC 7489 section 3.1.1): " +
                (rewrites_from ? "posts whose From is rewritten to the list (dmarc_mitigation=" +
                                     mitigation + ") fail DMARC's DKIM check"
                               : "mail the list sends in its own name fails DMARC's DKIM check"),
            "listctl list set " + list + " signing.domain=" + list_domain +
                " (then generate, publish and activate keys under it)");
  }

  switch (dmarc.outcome) {
    case DmarcLookup::Outcome::kTempError:
      out.Add(Severity::kWarning, "dmarc-unchecked",
              "could not look up the DMARC record at _dmarc." + dmarc.domain + ": " + dmarc.error,
              "try again later, or name a working DNS server with --dns HOST:PORT");
      return;
    case DmarcLookup::Outcome::kNone:
      out.Add(Severity::kNote, "no-dmarc-record",
              "the list's domain " + list_domain + " publishes no DMARC record" +
                  (OrganizationalDomain(list_domain) != list_domain
                       ? " (nor does " + OrganizationalDomain(list_domain) + ")"
                       : std::string()) +
                  ": receivers apply no DMARC policy to mail in the list's name and send no "
                  "reports (RFC 7489 section 6.6.3)",
              "publish _dmarc." + list_domain +
                  " IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@" + list_domain +
                  "\" to start receiving reports");
      return;
    case DmarcLookup::Outcome::kMultiple:
      out.Add(Severity::kWarning, "dmarc-multiple",
              "_dmarc." + dmarc.domain +
                  " holds more than one DMARC record, so receivers apply no DMARC policy at all "
                  "(RFC 7489 section 6.6.3, step 5)",
              "keep exactly one TXT record starting with v=DMARC1 at _dmarc." + dmarc.domain);
      return;
    case DmarcLookup::Outcome::kFound:
      break;
  }
  // adkim=s asks for an exact d= match (RFC 7489 section 6.3).
  Result<dkim::TagList> tags = dkim::TagList::Parse(dmarc.record);
  if (!tags) return;
  std::optional<std::string_view> adkim = tags->Get("adkim");
  if (adkim && *adkim == "s" && relaxed_match && !strict_match) {
    out.Add(mitigation != "none" ? Severity::kError : Severity::kWarning,
            "domain-not-aligned-strict",
            "the DMARC record at _dmarc." + dmarc.domain +
                " asks for strict DKIM alignment (adkim=s) but the signing domain " +
                signing_domain + " is not exactly " + list_domain + " (RFC 7489 section 3.1.1)",
            "listctl list set " + list + " signing.domain=" + list_domain +
                ", or relax the DMARC record to adkim=r");
  }
}

}  // namespace

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "note";
}

bool DoctorReport::HasErrors() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kError; });
}

// Without libpsl (DESIGN.md names it, with Debian's publicsuffix, for
// this), the last two labels stand in for the organizational domain. That
// is right for example.org and lists.example.org, and wrong under
// multi-label public suffixes: for a.example.co.uk it yields co.uk, so two
// unrelated domains under co.uk would wrongly count as aligned. Replace
// with psl_registrable_domain() when libpsl arrives.
std::string OrganizationalDomain(std::string_view domain) {
  std::string name = NormalizedDomain(domain);
  size_t last = name.rfind('.');
  if (last == std::string::npos || last == 0) return name;
  size_t second = name.rfind('.', last - 1);
  return second == std::string::npos ? name : name.substr(second + 1);
}

Result<DoctorReport> Diagnose(storage::Store& store, std::string_view list, dkim::TxtResolver& dns,
                              int64_t now) {
  Result<base::EmailAddress> address = base::EmailAddress::Parse(list);
  if (!address)
    return Error{"'" + std::string(list) + "' is not a list address: " + address.error()};
  Result<std::optional<storage::ListRecord>> found = store.lists().Find(*address);
  if (!found) return Error{found.error()};
  if (!found->has_value()) return Error{"no list " + address->ToString()};
  const storage::ListRecord& record = **found;
  Result<std::map<std::string, std::string>> settings = store.lists().Settings(record.id);
  if (!settings) return Error{settings.error()};
  auto setting = [&](std::string_view name) {
    return EffectiveValue(record.address, *settings, name);
  };
  Result<std::vector<KeyRecord>> keys = store.keys().ForList(record.id);
  if (!keys) return Error{keys.error()};

  DoctorReport report;
  report.list = record.address.ToString();
  report.signing_domain = NormalizedDomain(setting("signing.domain"));
  Findings out(report.list);

  ExamineSigningKeys(*keys, setting("signing.algorithms"), out);
  ExamineKeySizes(*keys, out);
  ExamineSharedSelectors(*keys, out);
  // The service's check is the doctor's: one definition of "matches".
  KeyService service(store, "doctor");
  bool any_unretired = std::any_of(
      keys->begin(), keys->end(), [](const KeyRecord& k) { return k.state != KeyState::kRetired; });
  if (any_unretired) {
    Result<std::vector<KeyCheck>> checks = service.Check(report.list, std::nullopt, dns);
    if (!checks) return Error{checks.error()};
    ExamineRecords(*checks, out);
  }
  ExamineRetiredRecords(*keys, report.signing_domain, ParseSeconds(setting("signing.expire")), now,
                        dns, out);
  ExamineDmarc(NormalizedDomain(record.address.domain), report.signing_domain, setting("dmarc_mitigation"),
               dns, out);
  report.findings = out.Take();
  return report;
}

}  // namespace listd
