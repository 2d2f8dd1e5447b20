// KeyOperations: what the REST API's key resources need of listd: a list's
// DKIM keys through their life (generate, publish, check, activate,
// rotate, retire, remove; RFC 5863 section 3.5), over KeyService
// (listd/webface/key_face.h). A private key is never returned.
//
// Contract: `algorithm` is "rsa" | "ed25519" ("" = whichever the selector
// has, kind invalid when it has both). Activation is refused (kind
// conflict, saying what DNS shows) until the published record matches, as
// `listctl key activate` refuses without --force; the API has no force.
// Removing an active key is kind conflict. DNS that does not answer is
// kind unavailable.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_KEY_OPERATIONS_H_
#define LISTD_WEB_KEY_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace web {

class KeyOperations {
 public:
  virtual ~KeyOperations() = default;

  // The list's keys, newest first (views without private keys).
  virtual base::Result<nlohmann::json> Keys(const std::string& list) = 0;
  // Generates a key; {"key", "record_name", "zone_record", "warnings"}.
  virtual base::Result<nlohmann::json> Generate(const std::string& actor, const std::string& list,
                                                const std::string& algorithm,
                                                std::optional<int> bits,
                                                const std::optional<std::string>& selector,
                                                int64_t now) = 0;
  // The TXT records to publish for `selector`: [{"selector", "algorithm",
  // "name", "value", "zone_file"}].
  virtual base::Result<nlohmann::json> DnsRecords(const std::string& list,
                                                  const std::string& selector) = 0;
  // Looks the records of `selector` up: [key check view].
  virtual base::Result<nlohmann::json> Check(const std::string& list,
                                             const std::string& selector) = 0;
  // Activates the key once DNS matches; {"key", "check", "still_active"}.
  virtual base::Result<nlohmann::json> Activate(const std::string& actor, const std::string& list,
                                                const std::string& selector,
                                                const std::string& algorithm, int64_t now) = 0;
  // The next key beside each active one (or `algorithm`'s); [new key].
  virtual base::Result<nlohmann::json> Rotate(const std::string& actor, const std::string& list,
                                              const std::string& algorithm, std::optional<int> bits,
                                              int64_t now) = 0;
  // Stops a key signing; {"key", "record_name", "keep_published_until", ...}.
  virtual base::Result<nlohmann::json> Retire(const std::string& actor, const std::string& list,
                                              const std::string& selector,
                                              const std::string& algorithm, int64_t now) = 0;
  // Deletes a key that does not sign; {"key", "record_name",
  // "keep_published_until"}.
  virtual base::Result<nlohmann::json> Remove(const std::string& actor, const std::string& list,
                                              const std::string& selector,
                                              const std::string& algorithm, int64_t now) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_KEY_OPERATIONS_H_
