// The doctor's examinations (see doctor.h for the rules and their sources).
#include "listd/service/doctor.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "base/ascii.h"
#include "dkim/dmarc_discovery.h"
#include "dkim/organizational_domain.h"
#include "dkim/tag_list.h"
#include "listd/service/key_service.h"
#include "listd/service/list_lookup.h"

namespace listd::service {

using base::Error;
using base::Result;
using storage::KeyAlgorithm;
using storage::KeyRecord;
using storage::KeyState;

namespace {

std::string Name(KeyAlgorithm algorithm) { return std::string(storage::ToString(algorithm)); }

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
  return "the " + Name(key.algorithm) + " key '" + key.selector + "'";
}

void ExamineSigningKeys(const std::vector<KeyRecord>& keys,
                        const settings::ListSettings& list_settings, Findings& out) {
  const std::string algorithms(settings::ToString(list_settings.signing_algorithms()));
  std::set<KeyAlgorithm> active;
  std::set<KeyAlgorithm> signing;
  const KeyRecord* waiting = nullptr;
  for (const KeyRecord& key : keys) {
    // The fix names a waiting key, RSA first: every receiver verifies RSA.
    if (key.state == KeyState::kGenerated &&
        (waiting == nullptr ||
         (waiting->algorithm != KeyAlgorithm::kRsa && key.algorithm == KeyAlgorithm::kRsa))) {
      waiting = &key;
    }
    if (key.state != KeyState::kActive) continue;
    active.insert(key.algorithm);
    if (list_settings.SignsWith(key.algorithm)) signing.insert(key.algorithm);
  }
  const std::string& list = out.list();
  if (signing.empty()) {
    std::string message = active.empty()
                              ? "no active key: the list will deliver its mail unsigned"
                              : "no active key signs: signing.algorithms is " + algorithms +
                                    " but the active keys are " + Name(*active.begin()) +
                                    " keys, so the list will deliver its mail unsigned";
    std::string fix =
        waiting != nullptr
            ? "publish " + KeyName(*waiting) + " (listctl key dns " + list + " --selector " +
                  waiting->selector + "), then listctl key activate " + list + " --selector " +
                  waiting->selector + " --algo " + Name(waiting->algorithm)
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
  for (KeyAlgorithm algorithm : active) {
    if (!signing.count(algorithm)) {
      out.Add(Severity::kNote, "active-key-unused",
              "the list has an active " + Name(algorithm) + " key but signing.algorithms is " +
                  algorithms + ", so it does not sign",
              "listctl list set " + list + " signing.algorithms=both, or retire the " +
                  Name(algorithm) + " key");
    }
  }
  if (signing.count(KeyAlgorithm::kRsa) == 0) {
    // RFC 8463 section 6: signers add an RSA signature beside Ed25519 for
    // the receivers that do not verify Ed25519 yet.
    out.Add(Severity::kWarning, "ed25519-only",
            "the list signs with Ed25519 only: receivers that do not implement RFC 8463 see "
            "no valid signature",
            "add an RSA key beside it: listctl key generate " + list +
                " --algo rsa, publish it and activate it (RFC 8463 section 6)");
  } else if (signing.count(KeyAlgorithm::kEd25519) == 0 &&
             list_settings.signing_algorithms() == settings::SigningAlgorithms::kBoth) {
    out.Add(Severity::kNote, "rsa-only",
            "the list signs with RSA only; signers SHOULD also sign with Ed25519 (RFC 8463 "
            "section 5)",
            "listctl key generate " + list + " --algo ed25519, publish it and activate it");
  }
}

// RFC 8301 section 3.2, for keys that sign or are about to.
void ExamineKeySizes(const std::vector<KeyRecord>& keys, Findings& out) {
  for (const KeyRecord& key : keys) {
    if (key.algorithm != KeyAlgorithm::kRsa || key.state == KeyState::kRetired) continue;
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
                      Name(key.algorithm));
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
  for (const KeyRecord& key : keys) by_selector[base::LowerAscii(key.selector)].push_back(&key);
  for (const auto& [selector, sharing] : by_selector) {
    std::set<KeyAlgorithm> algorithms;
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

void ExamineDmarc(const std::string& list_domain, const std::string& signing_domain,
                  settings::DmarcMitigation mitigation_setting, dkim::TxtResolver& dns,
                  Findings& out) {
  const std::string& list = out.list();
  const std::string mitigation(settings::ToString(mitigation_setting));
  // RFC 7489 section 6.6.3: the list's domain, then its organizational
  // domain (libpsl, so that lists.example.co.uk falls back to
  // example.co.uk, never to co.uk).
  const dkim::DmarcDiscovery dmarc = dkim::DiscoverDmarcRecord(list_domain, dns);
  const std::string list_organization = dkim::OrganizationalDomain(list_domain);
  const bool strict_match = signing_domain == list_domain;
  const bool relaxed_match = dkim::OrganizationalDomain(signing_domain) == list_organization;

  if (!relaxed_match) {
    // Mail the list sends in its own name (every post when From is
    // rewritten or wrapped, and always its notices) passes DMARC through
    // DKIM only with an aligned d= (RFC 7489 section 3.1.1). With From
    // rewriting that is every post, so it is an error; otherwise only the
    // list's own mail suffers, a warning.
    const bool rewrites_from = mitigation_setting != settings::DmarcMitigation::kNone;
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
    case dkim::DmarcDiscovery::Outcome::kTempError:
    case dkim::DmarcDiscovery::Outcome::kPermError:
      out.Add(Severity::kWarning, "dmarc-unchecked",
              "could not look up the DMARC record at _dmarc." + dmarc.domain + ": " + dmarc.error,
              "try again later, or name a working DNS server with --dns HOST:PORT");
      return;
    case dkim::DmarcDiscovery::Outcome::kNone:
      out.Add(Severity::kNote, "no-dmarc-record",
              "the list's domain " + list_domain + " publishes no DMARC record" +
                  (list_organization != list_domain ? " (nor does " + list_organization + ")"
                                                    : std::string()) +
                  ": receivers apply no DMARC policy to mail in the list's name and send no "
                  "reports (RFC 7489 section 6.6.3)",
              "publish _dmarc." + list_domain +
                  " IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@" + list_domain +
                  "\" to start receiving reports");
      return;
    case dkim::DmarcDiscovery::Outcome::kMultiple:
      out.Add(Severity::kWarning, "dmarc-multiple",
              "_dmarc." + dmarc.domain +
                  " holds more than one DMARC record, so receivers apply no DMARC policy at all "
                  "(RFC 7489 section 6.6.3, step 5)",
              "keep exactly one TXT record starting with v=DMARC1 at _dmarc." + dmarc.domain);
      return;
    case dkim::DmarcDiscovery::Outcome::kFound:
      break;
  }
  // adkim=s asks for an exact d= match (RFC 7489 section 6.3).
  Result<dkim::TagList> tags = dkim::TagList::Parse(dmarc.record_text);
  if (!tags) return;
  std::optional<std::string_view> adkim = tags->Get("adkim");
  if (adkim && *adkim == "s" && relaxed_match && !strict_match) {
    out.Add(mitigation_setting != settings::DmarcMitigation::kNone ? Severity::kError
                                                                   : Severity::kWarning,
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

Result<DoctorReport> Diagnose(storage::Store& store, std::string_view list, dkim::TxtResolver& dns,
                              int64_t now) {
  Result<FoundList> found = FindListWithSettings(store, list);
  if (!found) return found.failure();
  const storage::ListRecord& record = found->record;
  const settings::ListSettings& in_force = found->settings;
  Result<std::vector<KeyRecord>> keys = store.keys().ForList(record.id);
  if (!keys) return keys.failure();

  DoctorReport report;
  report.list = record.address.ToString();
  report.signing_domain = dkim::NormalizeDomainName(in_force.signing_domain());
  Findings out(report.list);

  ExamineSigningKeys(*keys, in_force, out);
  ExamineKeySizes(*keys, out);
  ExamineSharedSelectors(*keys, out);
  // The service's check is the doctor's: one definition of "matches".
  KeyService service(store, "doctor");
  bool any_unretired = std::any_of(
      keys->begin(), keys->end(), [](const KeyRecord& k) { return k.state != KeyState::kRetired; });
  if (any_unretired) {
    Result<std::vector<KeyCheck>> checks = service.Check(report.list, std::nullopt, dns);
    if (!checks) return checks.failure();
    ExamineRecords(*checks, out);
  }
  ExamineRetiredRecords(*keys, report.signing_domain, in_force.signature_lifetime(), now, dns, out);
  ExamineDmarc(dkim::NormalizeDomainName(record.address.domain), report.signing_domain,
               in_force.dmarc_mitigation(), dns, out);
  report.findings = out.Take();
  return report;
}

}  // namespace listd::service
