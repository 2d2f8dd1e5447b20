// The key rollover over the store (see key_service.h for the standards).
#include "listd/service/key_service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <set>
#include <utility>

#include "base/ascii.h"
#include "dkim/crypto.h"
#include "dkim/key_record.h"
#include "listd/service/list_lookup.h"

namespace listd::service {

using base::Error;
using base::Ok;
using base::Result;
using base::Status;
using storage::KeyAlgorithm;
using storage::KeyRecord;
using storage::KeyState;

// Everything an operation needs to know about the list it works on.
struct KeyService::ListContext {
  storage::ListRecord list;
  std::string signing_domain;
  int64_t lifetime = 0;         // signing.expire: the x= lifetime, 0 = none
  std::vector<KeyRecord> keys;  // newest first
};

namespace {

// DNS names compare case-insensitively, so "S2026" and "s2026" are one
// record name and one selector.
bool SameSelector(std::string_view a, std::string_view b) {
  return base::LowerAscii(a) == base::LowerAscii(b);
}

dkim::KeyType TypeOf(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::kRsa ? dkim::KeyType::kRsa : dkim::KeyType::kEd25519;
}

KeyAlgorithm AlgorithmOf(dkim::KeyType type) {
  return type == dkim::KeyType::kRsa ? KeyAlgorithm::kRsa : KeyAlgorithm::kEd25519;
}

std::string Name(KeyAlgorithm algorithm) { return std::string(storage::ToString(algorithm)); }

std::string Describe(const KeyRecord& key) {
  return "the " + Name(key.algorithm) + " key '" + key.selector + "'";
}

// The RSA size rules of RFC 8301 section 3.2, as an error or warnings.
Status CheckRsaBits(int bits, std::vector<std::string>& warnings) {
  if (bits < kMinRsaBits) {
    return Error{base::ErrorKind::kInvalid,
                 "an RSA key of " + std::to_string(bits) +
                     " bits is too short: signers MUST use at least 1024 bits and verifiers treat "
                     "shorter keys as failing (RFC 8301 section 3.2); use 2048"};
  }
  if (bits < kRecommendedRsaBits) {
    warnings.push_back("an RSA key of " + std::to_string(bits) +
                       " bits is below the 2048 bits signers SHOULD use (RFC 8301 section 3.2)");
  }
  if (bits > kMaxPortableRsaBits) {
    warnings.push_back("an RSA key of " + std::to_string(bits) +
                       " bits is longer than verifiers must support (4096, RFC 8301 section "
                       "3.2): some receivers may not verify it");
  }
  return Ok();
}

// Whether the published key bytes are the stored key. The store keeps the
// SubjectPublicKeyInfo (dkim::PrivateKey::PublicKeyBase64); RFC 6376
// section 3.6.1 names the bare RSAPublicKey, and some publish that. An SPKI
// ends with the DER of the RSAPublicKey it wraps (inside its BIT STRING),
// so a published key that parsed as RSA, has the stored size and is the
// tail of the stored SPKI is the same key.
bool SamePublicKey(const KeyRecord& stored, std::string_view stored_der,
                   const dkim::KeyRecord& published) {
  if (published.public_key_der == stored_der) return true;
  if (stored.algorithm != KeyAlgorithm::kRsa || published.public_key == nullptr) return false;
  const std::string& der = published.public_key_der;
  return !der.empty() && der.size() < stored_der.size() &&
         stored_der.compare(stored_der.size() - der.size(), der.size(), der) == 0 &&
         published.public_key->bits() == stored.bits;
}

std::string JoinPhrases(const std::vector<std::string>& phrases) {
  std::string out;
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (i > 0) out += "; ";
    out += phrases[i];
  }
  return out;
}

}  // namespace

std::string_view ToString(KeyCheckOutcome outcome) {
  switch (outcome) {
    case KeyCheckOutcome::kMatch:
      return "match";
    case KeyCheckOutcome::kMismatch:
      return "mismatch";
    case KeyCheckOutcome::kMissing:
      return "missing";
    case KeyCheckOutcome::kTempError:
      return "temperror";
  }
  return "temperror";
}

KeyCheck CompareWithRecord(const KeyRecord& key, const std::string& name,
                           const dkim::TxtAnswer& answer) {
  KeyCheck check;
  check.key = key;
  check.name = name;
  switch (answer.status) {
    case dkim::TxtAnswer::Status::kTempFail:
      check.outcome = KeyCheckOutcome::kTempError;
      check.detail =
          "DNS did not answer: " + (answer.error.empty() ? "temporary failure" : answer.error);
      return check;
    case dkim::TxtAnswer::Status::kPermFail:
      // A receiver cannot use a malformed answer either: for the admin it
      // is a wrong record, not a passing outage.
      check.outcome = KeyCheckOutcome::kMismatch;
      check.detail = "malformed DNS answer: " + answer.error;
      return check;
    case dkim::TxtAnswer::Status::kNoRecord:
      check.outcome = KeyCheckOutcome::kMissing;
      check.detail = "no TXT record at " + name;
      return check;
    case dkim::TxtAnswer::Status::kFound:
      break;
  }
  if (answer.records.empty()) {
    check.outcome = KeyCheckOutcome::kMissing;
    check.detail = "no TXT record at " + name;
    return check;
  }
  Result<std::string> stored_der = dkim::Base64Decode(key.public_key);
  if (!stored_der) {
    check.outcome = KeyCheckOutcome::kMismatch;
    check.detail = "the stored public key is not valid base64 (" + stored_der.error() + ")";
    return check;
  }
  const dkim::KeyType stored_type = TypeOf(key.algorithm);
  std::vector<std::string> found;
  bool match = false;
  int same_type = 0;
  for (const std::string& text : answer.records) {
    Result<dkim::KeyRecord> record = dkim::ParseKeyRecord(text);
    if (!record) {
      found.push_back("a record that is not a DKIM key record (" + record.error() + ")");
      continue;
    }
    const std::string k = "k=" + record->key_type_name;
    if (!record->known_key_type || record->key_type != stored_type) {
      found.push_back("a " + k + " record");
      continue;
    }
    ++same_type;
    if (record->revoked) {
      found.push_back("a " + k + " record with an empty p= (the key is revoked)");
      continue;
    }
    if (!SamePublicKey(key, *stored_der, *record)) {
      std::string what = "a " + k + " record with another public key";
      if (record->public_key != nullptr && record->key_type == dkim::KeyType::kRsa) {
        what += " (" + std::to_string(record->public_key->bits()) + " bits)";
      } else if (record->public_key == nullptr && !record->public_key_error.empty()) {
        what += " (" + record->public_key_error + ")";
      }
      found.push_back(what);
      continue;
    }
    // The key is right, but a receiver would still refuse it when the
    // record rules out sha256 or email (RFC 6376 section 3.6.1 h=, s=).
    if (!record->AllowsHash("sha256")) {
      found.push_back("the stored key, but h= does not allow sha256");
      continue;
    }
    if (!record->AllowsEmail()) {
      found.push_back("the stored key, but s= does not allow email");
      continue;
    }
    match = true;
    check.testing = check.testing || record->testing;
    found.push_back(std::string("the stored key (") + k + (record->testing ? ", t=y testing" : "") +
                    ")");
  }
  check.outcome = match ? KeyCheckOutcome::kMatch : KeyCheckOutcome::kMismatch;
  check.detail = "found " + JoinPhrases(found);
  if (answer.records.size() > 1 && same_type > 1) {
    // RFC 6376 section 3.6.2.2: with several records a verifier may pick
    // any one of them, so a stale one beside the right one fails some mail.
    check.detail += "; " + std::to_string(answer.records.size()) +
                    " TXT records at this name: receivers may use any one of them "
                    "(RFC 6376 section 3.6.2.2)";
  }
  return check;
}

KeyService::KeyService(storage::Store& store, std::string actor)
    : store_(store), actor_(std::move(actor)) {}

std::string KeyService::RecordName(std::string_view selector, std::string_view domain) {
  return std::string(selector) + "._domainkey." + std::string(domain);
}

std::string KeyService::DatedSelector(int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "s%Y-%m", &tm);
  return text;
}

Result<KeyService::ListContext> KeyService::Load(std::string_view list) {
  Result<FoundList> found = FindListWithSettings(store_, list);
  if (!found) return found.failure();
  ListContext context;
  context.list = std::move(found->record);
  context.signing_domain = found->settings.signing_domain();
  context.lifetime = found->settings.signature_lifetime();
  Result<std::vector<KeyRecord>> keys = store_.keys().ForList(context.list.id);
  if (!keys) return keys.failure();
  context.keys = std::move(*keys);
  return context;
}

Result<KeyRecord> KeyService::Select(const ListContext& context, const KeySelection& which) {
  std::vector<const KeyRecord*> chosen;
  for (const KeyRecord& key : context.keys) {
    if (!SameSelector(key.selector, which.selector)) continue;
    if (which.algorithm && key.algorithm != *which.algorithm) continue;
    chosen.push_back(&key);
  }
  const std::string list = context.list.address.ToString();
  if (chosen.empty()) {
    return Error{base::ErrorKind::kNotFound,
                 "list " + list + " has no " +
                     (which.algorithm ? Name(*which.algorithm) + " " : "") + "key with selector '" +
                     which.selector + "'"};
  }
  if (chosen.size() > 1) {
    return Error{base::ErrorKind::kInvalid,
                 "selector '" + which.selector + "' of list " + list +
                     " names both an rsa and an ed25519 key; say which with --algo"};
  }
  return *chosen.front();
}

Status KeyService::Record(int64_t list_id, int64_t now, const std::string& action,
                          const std::string& detail) {
  return store_.events().Record(now, actor_, list_id, action, detail);
}

Result<std::string> KeyService::SigningDomain(std::string_view list) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  return context->signing_domain;
}

Result<NewKey> KeyService::StoreNewKey(const ListContext& context, KeyAlgorithm algorithm, int bits,
                                       const std::string& public_key, std::string_view pem,
                                       const std::optional<std::string>& selector, int64_t now,
                                       const std::string& action, const std::string& why,
                                       std::vector<std::string> warnings) {
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot store the new key");
  // The selector is chosen inside the transaction (which holds the write
  // lock), so two admins generating at once cannot pick the same one.
  Result<std::vector<KeyRecord>> keys = store_.keys().ForList(context.list.id);
  if (!keys) return keys.failure();
  auto used_by = [&](const std::string& name) {
    std::set<KeyAlgorithm> algorithms;
    for (const KeyRecord& key : *keys) {
      if (SameSelector(key.selector, name)) algorithms.insert(key.algorithm);
    }
    return algorithms;
  };
  std::string chosen;
  if (selector) {
    chosen = *selector;
    std::set<KeyAlgorithm> users = used_by(chosen);
    if (users.count(algorithm)) {
      return Error{base::ErrorKind::kConflict, "list " + context.list.address.ToString() +
                                                   " already has an " + Name(algorithm) +
                                                   " key with selector '" + chosen + "'"};
    }
    if (!users.empty()) {
      warnings.push_back("selector '" + chosen + "' already holds the list's " +
                         Name(*users.begin()) +
                         " key; one selector can publish only one key record, so keys of "
                         "different algorithms need different selectors (RFC 8463 section 6)");
    }
  } else {
    // Dated names say when a key was made (RFC 6376 section 3.1 suggests
    // dates); a key made in a month that already has one gets a letter.
    const std::string base = DatedSelector(now);
    chosen = base;
    for (char suffix = 'b'; !used_by(chosen).empty(); ++suffix) {
      if (suffix > 'z') {
        return Error{base::ErrorKind::kConflict, "every default selector " + base + ", " + base +
                                                     "b ... " + base +
                                                     "z is taken; choose one with --selector"};
      }
      chosen = base + suffix;
    }
  }
  Result<KeyRecord> added =
      store_.keys().Add(context.list.id, chosen, algorithm, bits, public_key, pem, now);
  if (!added) return added.failure();
  Status recorded =
      Record(context.list.id, now, action,
             Name(algorithm) + " key '" + chosen + "' (" + std::to_string(bits) + " bits) " + why);
  if (!recorded) return recorded.failure();
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot store the new key");

  NewKey result;
  result.key = std::move(*added);
  result.record_name = RecordName(chosen, context.signing_domain);
  dkim::KeyType type = TypeOf(algorithm);
  result.zone_record = dkim::FormatZoneFileRecord(chosen, context.signing_domain,
                                                  dkim::FormatKeyRecord(type, public_key));
  result.warnings = std::move(warnings);
  return result;
}

Result<NewKey> KeyService::Generate(std::string_view list, KeyAlgorithm algorithm, int bits,
                                    const std::optional<std::string>& selector, int64_t now) {
  const dkim::KeyType type = TypeOf(algorithm);
  std::vector<std::string> warnings;
  if (type == dkim::KeyType::kRsa) {
    Status size = CheckRsaBits(bits, warnings);
    if (!size) return size.failure();
    // Beyond this, generation takes minutes and the record no longer fits
    // the DNS answers many resolvers accept; most likely a typing slip.
    if (bits > 8192) return base::Invalid("RSA keys above 8192 bits are refused; use 2048 or 4096");
  }
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  // Generation first, outside the transaction: RSA takes a while and the
  // write lock should not wait for it.
  Result<dkim::PrivateKey> key = dkim::PrivateKey::Generate(type, bits);
  if (!key) return Error{"cannot generate the key: " + key.error()};
  const int size = type == dkim::KeyType::kRsa ? key->bits() : 256;
  return StoreNewKey(*context, algorithm, size, key->PublicKeyBase64(), key->ToPem().view(), selector, now,
                     "key.generate", "generated", std::move(warnings));
}

Result<std::vector<KeyDnsRecord>> KeyService::Dns(std::string_view list,
                                                  const std::optional<std::string>& selector) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  std::vector<KeyDnsRecord> records;
  for (const KeyRecord& key : context->keys) {
    if (selector && !SameSelector(key.selector, *selector)) continue;
    KeyDnsRecord record;
    record.key = key;
    record.name = RecordName(key.selector, context->signing_domain);
    record.value = dkim::FormatKeyRecord(TypeOf(key.algorithm), key.public_key);
    record.zone_file =
        dkim::FormatZoneFileRecord(key.selector, context->signing_domain, record.value);
    records.push_back(std::move(record));
  }
  if (records.empty()) {
    return Error{base::ErrorKind::kNotFound,
                 "list " + context->list.address.ToString() + " has no " +
                     (selector ? "key with selector '" + *selector + "'" : std::string("keys")) +
                     " (listctl key generate makes one)"};
  }
  return records;
}

Result<std::vector<KeyCheck>> KeyService::Check(std::string_view list,
                                                const std::optional<std::string>& selector,
                                                dkim::TxtResolver& dns) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  std::vector<const KeyRecord*> keys;
  for (const KeyRecord& key : context->keys) {
    if (selector ? SameSelector(key.selector, *selector) : key.state != KeyState::kRetired) {
      keys.push_back(&key);
    }
  }
  if (keys.empty()) {
    return Error{base::ErrorKind::kNotFound,
                 "list " + context->list.address.ToString() + " has no " +
                     (selector ? "key with selector '" + *selector + "'"
                               : std::string("generated or active keys")) +
                     " to check"};
  }
  std::vector<std::string> names;
  for (const KeyRecord* key : keys) {
    names.push_back(RecordName(key->selector, context->signing_domain));
  }
  std::vector<dkim::TxtAnswer> answers = dns.LookupTxtMany(names);
  std::vector<KeyCheck> checks;
  for (size_t i = 0; i < keys.size(); ++i) {
    dkim::TxtAnswer answer;
    if (i < answers.size()) {
      answer = answers[i];
    } else {
      answer.status = dkim::TxtAnswer::Status::kTempFail;
      answer.error = "no answer";
    }
    checks.push_back(CompareWithRecord(*keys[i], names[i], answer));
  }
  return checks;
}

Result<ActivateReport> KeyService::Activate(std::string_view list, const KeySelection& which,
                                            dkim::TxtResolver* dns, bool force, int64_t now) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  Result<KeyRecord> key = Select(*context, which);
  if (!key) return key.failure();
  if (key->state == KeyState::kActive) return base::Conflict(Describe(*key) + " is already active");
  ActivateReport report;
  report.key = *key;
  if (dns != nullptr) {
    const std::string name = RecordName(key->selector, context->signing_domain);
    report.check = CompareWithRecord(*key, name, dns->LookupTxt(name));
  }
  const bool matches = report.check && report.check->outcome == KeyCheckOutcome::kMatch;
  if (!matches && !force) {
    if (!report.check) return base::Invalid("activating " + Describe(*key) + " needs a DNS check");
    return report;  // refused: the caller shows the check
  }
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot activate " + Describe(*key));
  Status set = store_.keys().SetState(key->id, KeyState::kActive, now);
  if (!set) return set.failure();
  std::string how = matches ? "DNS check: match"
                    : report.check
                        ? "forced; DNS check: " + std::string(ToString(report.check->outcome))
                        : "forced without a DNS check";
  Status recorded =
      Record(context->list.id, now, "key.activate",
             Name(key->algorithm) + " key '" + key->selector + "' activated (" + how + ")");
  if (!recorded) return recorded.failure();
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot activate " + Describe(*key));
  report.activated = true;
  report.key.state = KeyState::kActive;
  report.key.activated_at = now;
  report.key.retired_at.reset();
  for (const KeyRecord& other : context->keys) {
    if (other.id != key->id && other.state == KeyState::kActive &&
        other.algorithm == key->algorithm) {
      report.still_active.push_back(other);
    }
  }
  return report;
}

Result<std::vector<NewKey>> KeyService::Rotate(std::string_view list,
                                               const std::optional<KeyAlgorithm>& algorithm,
                                               const std::optional<int>& bits, int64_t now) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  const std::string name = context->list.address.ToString();
  // What to rotate: each algorithm that signs now, or the one asked for.
  std::vector<KeyAlgorithm> algorithms;
  int active_rsa_bits = 0;
  for (const KeyRecord& key : context->keys) {
    if (key.state != KeyState::kActive) continue;
    if (key.algorithm == KeyAlgorithm::kRsa) active_rsa_bits = std::max(active_rsa_bits, key.bits);
    if (std::find(algorithms.begin(), algorithms.end(), key.algorithm) == algorithms.end()) {
      algorithms.push_back(key.algorithm);
    }
  }
  if (algorithm) {
    algorithms = {*algorithm};
  } else if (algorithms.empty()) {
    return Error{base::ErrorKind::kConflict,
                 "list " + name +
                     " has no active key to rotate; make a first one with listctl key generate"};
  }
  // A fixed order, so a rotation of both names its selectors predictably.
  std::sort(algorithms.begin(), algorithms.end());
  for (KeyAlgorithm algo : algorithms) {
    for (const KeyRecord& key : context->keys) {
      if (key.algorithm == algo && key.state == KeyState::kGenerated) {
        return Error{base::ErrorKind::kConflict,
                     Describe(key) + " of list " + name +
                         " is generated and not active yet: publish it and activate it (or remove "
                         "it) before rotating again"};
      }
    }
  }
  // Generate all keys first (slow), then store them in one transaction.
  struct Made {
    KeyAlgorithm algorithm;
    int bits;
    std::string public_key;
    base::SecretBytes pem;
    std::vector<std::string> warnings;
  };
  std::vector<Made> made;
  for (KeyAlgorithm algo : algorithms) {
    Made m;
    m.algorithm = algo;
    dkim::KeyType type = TypeOf(algo);
    int want = 256;
    if (type == dkim::KeyType::kRsa) {
      // Never rotate down: keep the active size, and at least the size
      // RFC 8301 section 3.2 recommends.
      want = bits.value_or(std::max(active_rsa_bits, kRecommendedRsaBits));
      Status size = CheckRsaBits(want, m.warnings);
      if (!size) return size.failure();
      if (want > 8192)
        return base::Invalid("RSA keys above 8192 bits are refused; use 2048 or 4096");
    }
    Result<dkim::PrivateKey> key = dkim::PrivateKey::Generate(type, want);
    if (!key) return Error{"cannot generate the " + Name(algo) + " key: " + key.error()};
    m.bits = type == dkim::KeyType::kRsa ? key->bits() : 256;
    m.public_key = key->PublicKeyBase64();
    m.pem = key->ToPem();
    made.push_back(std::move(m));
  }
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot store the new keys");
  std::vector<NewKey> keys;
  for (Made& m : made) {
    // Each StoreNewKey is a savepoint inside this transaction: a rotation of
    // RSA and Ed25519 lands whole or not at all.
    Result<NewKey> stored =
        StoreNewKey(*context, m.algorithm, m.bits, m.public_key, m.pem.view(), {}, now, "key.rotate",
                    "generated by rotation", std::move(m.warnings));
    if (!stored) return stored.failure();
    keys.push_back(std::move(*stored));
  }
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot store the new keys");
  return keys;
}

Result<RetireReport> KeyService::Retire(std::string_view list, const KeySelection& which,
                                        int64_t now) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  Result<KeyRecord> key = Select(*context, which);
  if (!key) return key.failure();
  if (key->state == KeyState::kRetired)
    return base::Conflict(Describe(*key) + " is already retired");
  if (key->state == KeyState::kGenerated) {
    return Error{base::ErrorKind::kConflict,
                 Describe(*key) +
                     " never signed (state generated): there is nothing to retire; remove it with "
                     "listctl key rm"};
  }
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot retire " + Describe(*key));
  Status set = store_.keys().SetState(key->id, KeyState::kRetired, now);
  if (!set) return set.failure();
  Status recorded = Record(context->list.id, now, "key.retire",
                           Name(key->algorithm) + " key '" + key->selector + "' retired");
  if (!recorded) return recorded.failure();
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot retire " + Describe(*key));

  RetireReport report;
  report.key = *key;
  report.key.state = KeyState::kRetired;
  report.key.retired_at = now;
  report.record_name = RecordName(key->selector, context->signing_domain);
  report.lifetime = context->lifetime;
  // Signatures made just before retirement are verified when the mail
  // arrives, which may be days later (queues retry for 4-5 days, RFC 5321
  // section 4.5.4.1) and, with x=, until the signature expires.
  report.keep_published_until = now + context->lifetime + kRecordGraceSeconds;
  report.no_active_key_left = std::none_of(
      context->keys.begin(), context->keys.end(),
      [&](const KeyRecord& k) { return k.id != key->id && k.state == KeyState::kActive; });
  return report;
}

Result<RemoveReport> KeyService::Remove(std::string_view list, const KeySelection& which,
                                        bool force, int64_t now) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  Result<KeyRecord> key = Select(*context, which);
  if (!key) return key.failure();
  if (key->state == KeyState::kActive && !force) {
    return Error{
        base::ErrorKind::kConflict,
        Describe(*key) +
            " is active (the list signs with it): retire it first with listctl key retire, "
            "or remove it anyway with --force"};
  }
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot remove " + Describe(*key));
  Status removed = store_.keys().Remove(key->id);
  if (!removed) return removed.failure();
  Status recorded =
      Record(context->list.id, now, "key.remove",
             Name(key->algorithm) + " key '" + key->selector + "' removed (was " +
                 std::string(storage::ToString(key->state)) + (force ? ", forced" : "") + ")");
  if (!recorded) return recorded.failure();
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot remove " + Describe(*key));

  RemoveReport report;
  report.key = *key;
  report.record_name = RecordName(key->selector, context->signing_domain);
  if (key->state == KeyState::kRetired && key->retired_at) {
    report.keep_published_until = *key->retired_at + context->lifetime + kRecordGraceSeconds;
  } else if (key->state == KeyState::kActive) {
    report.keep_published_until = now + context->lifetime + kRecordGraceSeconds;
  }
  report.no_active_key_left =
      key->state == KeyState::kActive &&
      std::none_of(context->keys.begin(), context->keys.end(), [&](const KeyRecord& k) {
        return k.id != key->id && k.state == KeyState::kActive;
      });
  return report;
}

Result<std::vector<KeyRecord>> KeyService::List(std::string_view list) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  return std::move(context->keys);
}

Result<base::SecretBytes> KeyService::Export(std::string_view list, const KeySelection& which,
                                       int64_t now) {
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  Result<KeyRecord> key = Select(*context, which);
  if (!key) return key.failure();
  Result<base::SecretBytes> pem = store_.keys().PrivateKeyPem(key->id);
  if (!pem) return pem.failure();
  // A private key leaving the store is worth a line in the log: whoever
  // holds it can sign as the list.
  storage::Transaction tx = store_.Begin();
  if (!tx.begun()) return tx.begun().failure().Prefixed("cannot record the export");
  Status recorded =
      Record(context->list.id, now, "key.export",
             Name(key->algorithm) + " key '" + key->selector + "' private key exported");
  if (!recorded) return recorded.failure();
  Status committed = tx.Commit();
  if (!committed) return committed.failure().Prefixed("cannot record the export");
  return std::move(*pem);
}

Result<NewKey> KeyService::Import(std::string_view list, const std::string& selector,
                                  std::string_view pem, int64_t now) {
  Result<dkim::PrivateKey> key = dkim::PrivateKey::Load(pem);
  if (!key) return base::Invalid("cannot read the private key: " + key.error());
  std::vector<std::string> warnings;
  int bits = 256;
  if (key->type() == dkim::KeyType::kRsa) {
    bits = key->bits();
    Status size = CheckRsaBits(bits, warnings);
    if (!size) return size.failure();
  }
  Result<ListContext> context = Load(list);
  if (!context) return context.failure();
  // The store keeps the normalised PKCS#8 form, whatever form came in.
  return StoreNewKey(*context, AlgorithmOf(key->type()), bits, key->PublicKeyBase64(), key->ToPem().view(),
                     selector, now, "key.import", "imported", std::move(warnings));
}

}  // namespace listd::service
