// DKIM key records, RFC 6376 section 3.6.1 (and RFC 8463 section 4 for
// k=ed25519): the TXT record at <selector>._domainkey.<domain>.
//
// Tags: v= (must be "DKIM1" and first if present), h= (acceptable hashes),
// k= (key type, default rsa), n= (notes), p= (public key; empty = revoked),
// s= (service types, default "*"), t= (flags: y = testing, s = i= domain
// must equal d=). Unknown tags and unknown flags are ignored. A record that
// cannot be parsed is reported with its reason; the verifier turns that into
// permerror.
#ifndef LISTD_DKIM_KEY_RECORD_H_
#define LISTD_DKIM_KEY_RECORD_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/crypto.h"
#include "dkim/result.h"

namespace dkim {

struct KeyRecord {
  KeyType key_type = KeyType::kRsa;
  std::string key_type_name = "rsa";       // k= as written
  std::vector<std::string> hash_algorithms;  // h=; empty = any
  std::vector<std::string> service_types;    // s=; default {"*"}
  bool testing = false;                      // t=y
  bool strict_identity = false;              // t=s
  std::string notes;                         // n=
  bool revoked = false;                      // p= empty
  std::string public_key_der;                // decoded p=
  // The parsed key; null when revoked or when k= is not one we know.
  std::shared_ptr<PublicKey> public_key;
  bool known_key_type = true;
  std::string public_key_error;              // why public_key is null, if not revoked

  // Whether h= allows `hash` ("sha256" / "sha1").
  bool AllowsHash(std::string_view hash) const;
  // Whether s= allows email ("*" or "email").
  bool AllowsEmail() const;
};

// Parses one TXT record (its strings already joined).
Result<KeyRecord> ParseKeyRecord(std::string_view text);

// Formats a key record value: "v=DKIM1; k=rsa; p=..." (h=, t= when given).
std::string FormatKeyRecord(KeyType type, std::string_view public_key_base64,
                            std::string_view flags = {});

// The record as zone-file text, the value split into quoted strings of at
// most 255 bytes (RFC 1035 section 3.3.14 character-strings):
//   s2026._domainkey.example.org. IN TXT ( "v=DKIM1; k=rsa; p=MIIB..." "..." )
std::string FormatZoneFileRecord(std::string_view selector, std::string_view domain,
                                 std::string_view record_value);

}  // namespace dkim

#endif  // LISTD_DKIM_KEY_RECORD_H_
