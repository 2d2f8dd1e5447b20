// KeyService: a list's DKIM keys and their rollover, as operations that
// listctl (and later the web face) share.
//
// STANDARDS
//   RFC 6376 section 3.1: selectors let a domain hold several keys at once
//     and replace one with another by publishing both for a transition.
//   RFC 6376 section 3.6.1/3.6.2: the key record and where it lives
//     (<selector>._domainkey.<signing domain>); RFC 8463 section 4.2 for
//     k=ed25519 and section 6 (keys of different algorithms need different
//     selectors, since one selector holds one key record).
//   RFC 5863 section 3.5 (the key pair / selector life cycle): generate,
//     publish, verify the publication, start signing, stop signing, delete
//     the private key, withdraw the record later. (The issue cites
//     RFC 5585 section 2.5-2.6 for this; RFC 5585 has no such sections, its
//     section 4.3 only introduces selectors.)
//   RFC 8301 section 3.2: RSA keys of at least 1024 bits (MUST), 2048
//     (SHOULD).
//
// The life of a key:
//   Generate/Import -> generated (publish what Dns prints)
//   Check           -> match | mismatch | missing | temperror
//   Activate        -> active (refused unless Check says match, or forced)
//   Rotate          -> a new generated key beside each active one
//   Retire          -> retired (no longer signs; keep the record published)
//   Remove          -> gone (refused for an active key unless forced)
//
// Contract:
// - Errors have kinds (base/result.h): an unknown list or key is
//   not_found, a request the key's state forbids (activating an active key,
//   removing one that signs) conflict, a bad size or an ambiguous selector
//   invalid.
// - Every write is one transaction holding the change and its row in the
//   events log, attributed to the actor given at construction
//   ("listctl:alice"). Exporting a private key is recorded too.
// - The clock is the caller's (`now`, seconds since the epoch) and DNS is
//   the caller's (a dkim::TxtResolver), so tests are deterministic.
// - Key generation (slow for RSA) happens before the transaction opens, so
//   the write lock is held only for the insert.
// - The signing domain is the list's setting "signing.domain", by default
//   the list's own domain.
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_SERVICE_KEY_SERVICE_H_
#define LISTD_LISTD_SERVICE_KEY_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secret_bytes.h"
#include "dkim/txt_resolver.h"
#include "storage/store.h"

namespace listd::service {

// RSA keys shorter than this are refused (RFC 8301 section 3.2: MUST).
constexpr int kMinRsaBits = 1024;
// RSA keys shorter than this draw a warning (RFC 8301 section 3.2: SHOULD).
constexpr int kRecommendedRsaBits = 2048;
// RSA keys longer than this draw a warning: verifiers need only handle up
// to 4096 bits (RFC 8301 section 3.2).
constexpr int kMaxPortableRsaBits = 4096;
// Added to the x= lifetime to tell how long a retired key's record should
// stay published: mail may sit in queues for 4-5 days (RFC 5321 section
// 4.5.4.1) before it reaches a verifier.
constexpr int64_t kRecordGraceSeconds = 7 * 24 * 3600;

// Which keys an operation addresses: one selector, and when a selector is
// shared by an RSA and an Ed25519 key, one algorithm.
struct KeySelection {
  std::string selector;
  std::optional<storage::KeyAlgorithm> algorithm;
};

// A newly generated or imported key and what to do next.
struct NewKey {
  storage::KeyRecord key;
  std::string record_name;  // <selector>._domainkey.<signing domain>
  std::string zone_record;  // the TXT record in zone-file form, to publish
  std::vector<std::string> warnings;
};

// The DNS record one key needs.
struct KeyDnsRecord {
  storage::KeyRecord key;
  std::string name;       // <selector>._domainkey.<signing domain>
  std::string value;      // "v=DKIM1; k=rsa; p=..."
  std::string zone_file;  // the record in zone-file form
};

// How the published record compares with the stored key.
enum class KeyCheckOutcome {
  kMatch,      // a record at the name carries the stored key, usable for email
  kMismatch,   // records exist but none carries the stored key (or is usable)
  kMissing,    // no record at the name (NXDOMAIN or no TXT)
  kTempError,  // DNS did not answer; try again later
};
// "match", "mismatch", "missing", "temperror".
std::string_view ToString(KeyCheckOutcome outcome);

struct KeyCheck {
  storage::KeyRecord key;
  std::string name;  // the name looked up
  KeyCheckOutcome outcome = KeyCheckOutcome::kMissing;
  // What was found, in words: "k=rsa, the stored key", "k=rsa with another
  // public key", "no TXT record", "SERVFAIL ...".
  std::string detail;
  bool testing = false;  // the matching record has t=y
};

// What Activate did, or why it refused.
struct ActivateReport {
  bool activated = false;
  storage::KeyRecord key;         // after activation
  std::optional<KeyCheck> check;  // absent when forced without a lookup
  // Other keys of the same algorithm that still sign; the admin retires
  // them once the new key is known to work.
  std::vector<storage::KeyRecord> still_active;
};

// What Remove did, and what to do about the record in DNS.
struct RemoveReport {
  storage::KeyRecord key;  // as it was before removal
  std::string record_name;
  // For a retired key: until when its record should still be published
  // (retired_at + x= lifetime + grace); absent for a key that never signed.
  std::optional<int64_t> keep_published_until;
  bool no_active_key_left = false;  // forced removal of the last active key
};

// What Retire did and how long the record should stay.
struct RetireReport {
  storage::KeyRecord key;
  std::string record_name;
  int64_t keep_published_until = 0;  // retired_at + x= lifetime + grace
  int64_t lifetime = 0;              // the list's signing.expire, seconds
  bool no_active_key_left = false;   // the list now delivers unsigned
};

class KeyService {
 public:
  // `actor` is recorded with every event, e.g. "listctl:root".
  KeyService(storage::Store& store, std::string actor);

  // The list's signing domain: "signing.domain", else the list's domain.
  base::Result<std::string> SigningDomain(std::string_view list);

  // Generates a key of `algorithm`; `bits` is the RSA
  // size (refused below 1024, warned below 2048). Without a selector, the
  // dated default "sYYYY-MM" of `now` (UTC), with a suffix b, c, ... when
  // the list already uses it.
  base::Result<NewKey> Generate(std::string_view list, storage::KeyAlgorithm algorithm, int bits,
                                const std::optional<std::string>& selector, int64_t now);
  // The records to publish: every key of the list (retired ones too, whose
  // records should stay a while), or only those of `selector`.
  base::Result<std::vector<KeyDnsRecord>> Dns(std::string_view list,
                                              const std::optional<std::string>& selector);
  // Looks up and compares the record of every generated or active key (or
  // of every key of `selector`, retired ones included).
  base::Result<std::vector<KeyCheck>> Check(std::string_view list,
                                            const std::optional<std::string>& selector,
                                            dkim::TxtResolver& dns);
  // Checks the record of the selected key and, when it matches (or when
  // `force`), makes the key active. A refusal is a report with
  // activated = false, not an error. `dns` may be null only with `force`.
  base::Result<ActivateReport> Activate(std::string_view list, const KeySelection& which,
                                        dkim::TxtResolver* dns, bool force, int64_t now);
  // Generates the next key beside each active key's algorithm (or only for
  // `algorithm`), RSA of at least the active key's size and 2048 bits unless
  // `bits` says otherwise. The active keys stay active. Refused while a
  // generated key of that algorithm is waiting to be activated.
  base::Result<std::vector<NewKey>> Rotate(std::string_view list,
                                           const std::optional<storage::KeyAlgorithm>& algorithm,
                                           const std::optional<int>& bits, int64_t now);
  // Stops the selected key signing.
  base::Result<RetireReport> Retire(std::string_view list, const KeySelection& which, int64_t now);
  // Deletes the selected key (RFC 5863 section 3.5.2 step 2: the private
  // key goes). An active key only with `force`.
  base::Result<RemoveReport> Remove(std::string_view list, const KeySelection& which, bool force,
                                    int64_t now);
  // The list's keys, newest first.
  base::Result<std::vector<storage::KeyRecord>> List(std::string_view list);
  // The selected key's private key as PKCS#8 PEM (the export is recorded).
  base::Result<base::SecretBytes> Export(std::string_view list, const KeySelection& which, int64_t now);
  // Stores a PEM (or Ed25519 raw-seed base64) private key under `selector`
  // in state generated; the algorithm and size come from the key.
  base::Result<NewKey> Import(std::string_view list, const std::string& selector,
                              std::string_view pem, int64_t now);

  // The record name of `selector` under `domain`.
  static std::string RecordName(std::string_view selector, std::string_view domain);
  // The dated default selector of `now`: "s2026-11".
  static std::string DatedSelector(int64_t now);

 private:
  struct ListContext;
  base::Result<ListContext> Load(std::string_view list);
  base::Result<storage::KeyRecord> Select(const ListContext& context, const KeySelection& which);
  base::Result<NewKey> StoreNewKey(const ListContext& context, storage::KeyAlgorithm algorithm,
                                   int bits, const std::string& public_key, std::string_view pem,
                                   const std::optional<std::string>& selector, int64_t now,
                                   const std::string& action, const std::string& why,
                                   std::vector<std::string> warnings);
  base::Status Record(int64_t list_id, int64_t now, const std::string& action,
                      const std::string& detail);

  storage::Store& store_;
  std::string actor_;
};

// Compares one looked-up answer with a stored key (exposed for doctor and
// for tests with a StaticTxtResolver).
KeyCheck CompareWithRecord(const storage::KeyRecord& key, const std::string& name,
                           const dkim::TxtAnswer& answer);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_KEY_SERVICE_H_
