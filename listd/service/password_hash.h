// Password hashing: Argon2id (RFC 9106) through Debian's libargon2, in
// the encoded form ("$argon2id$v=19$m=65536,t=3,p=1$SALT$HASH") that keeps
// its parameters and salt beside the hash, so a later change of cost still
// verifies the hashes made before it.
//
// Contract: HashPassword draws a 16-byte salt from the CSPRNG; each call
// with the same password gives a different encoding. VerifyPassword
// compares in constant time (libargon2's own compare) and is false for an
// encoding that does not parse. Neither keeps or logs the password.
//
// LIMITS: the defaults are RFC 9106 section 4's second recommended option
// with the memory lowered for a small server: t=3 passes, m=64 MiB,
// p=1 lane, a 32-byte tag. Tests lower the cost; the encoding records it.
//
// Thread-safety: plain functions.
#ifndef LISTD_LISTD_SERVICE_PASSWORD_HASH_H_
#define LISTD_LISTD_SERVICE_PASSWORD_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace listd::service {

struct PasswordCost {
  uint32_t passes = 3;          // t
  uint32_t memory_kib = 65536;  // m: 64 MiB
  uint32_t lanes = 1;           // p
};

// The encoded Argon2id hash of `password` with a fresh random salt.
base::Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost = {});
// Whether `password` matches the encoded hash `encoded`.
bool VerifyPassword(std::string_view encoded, std::string_view password);
// Verifies `password` against a hash of a random password made once with
// `cost`: what a login of an unknown account spends, so that its answer
// takes as long as a wrong password's. Always false.
bool VerifyAgainstDecoy(std::string_view password, const PasswordCost& cost);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_PASSWORD_HASH_H_
