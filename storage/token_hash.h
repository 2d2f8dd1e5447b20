// TokenHash: what the store keeps of a secret made by the CSPRNG
// (confirmation tokens, web session ids, API tokens, password links):
// its SHA-256, 32 raw bytes for a BLOB column. A 128-bit random secret
// needs no salt or slow KDF: guessing the hash is as hard as guessing the
// secret. SameHash compares two such hashes in constant time.
#ifndef LISTD_STORAGE_TOKEN_HASH_H_
#define LISTD_STORAGE_TOKEN_HASH_H_

#include <string>
#include <string_view>

namespace storage {

// SHA-256 of `token`, as 32 raw bytes.
std::string TokenHash(std::string_view token);
// Whether two hashes are equal, in time independent of where they differ.
bool SameHash(std::string_view a, std::string_view b);

}  // namespace storage

#endif  // LISTD_STORAGE_TOKEN_HASH_H_
