// Thin RAII over OpenSSL 3 EVP for the primitives DKIM needs: SHA-256 (and
// SHA-1, only so rsa-sha1 signatures can be reported, never passed), RSA
// PKCS#1 v1.5 and Ed25519 keys, signing and verifying a digest, base64.
//
// Keys hold an EVP_PKEY plus a prepared operation context so that repeated
// signing or verifying does not pay OpenSSL's per-call set-up; hence a
// PrivateKey/PublicKey is NOT thread-safe: give each thread its own (they are
// cheap to Clone()).
#ifndef LISTD_DKIM_CRYPTO_H_
#define LISTD_DKIM_CRYPTO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/secret_bytes.h"
#include "dkim/result.h"

struct evp_pkey_st;
struct evp_md_ctx_st;
struct evp_pkey_ctx_st;

namespace dkim {

enum class HashAlgorithm { kSha256, kSha1 };
enum class KeyType { kRsa, kEd25519 };

// A message digest; size() is 32 for SHA-256, 20 for SHA-1.
using Digest = std::string;

struct PkeyDeleter {
  void operator()(evp_pkey_st* key) const;
};
using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyDeleter>;
struct PkeyCtxDeleter {
  void operator()(evp_pkey_ctx_st* ctx) const;
};
struct MdCtxDeleter {
  void operator()(evp_md_ctx_st* ctx) const;
};

// An incremental hash over an EVP_MD_CTX that is reused across Reset()s.
class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);

  // Starts a new digest.
  void Reset();
  // Feeds bytes.
  void Update(std::string_view bytes);
  // Ends the digest and returns it; Reset() before reusing.
  Digest Finish();
  // The same into `out`, reusing its storage: a verifier finishes digests
  // for every message, and a 32-byte string is one heap allocation each.
  void Finish(Digest& out);

 private:
  HashAlgorithm algorithm_;
  std::unique_ptr<evp_md_ctx_st, MdCtxDeleter> ctx_;
};

// One-shot digest.
Digest HashBytes(HashAlgorithm algorithm, std::string_view bytes);

// Puts OpenSSL's own copies of private key material (RSA's private numbers
// and the temporaries of each private-key operation, Ed25519 seeds, PEM
// being decoded) on OpenSSL's secure heap: an arena of `bytes` (a power of
// two) that is excluded from core dumps and locked in memory where
// RLIMIT_MEMLOCK allows. Call once, before any private key is loaded or
// generated; keys made earlier stay on the ordinary heap. Returns false
// when OpenSSL could not set the arena up (then keys live on the ordinary
// heap, as before). Exhausting the arena makes key loading fail rather than
// spill into the ordinary heap: 8 MiB holds thousands of RSA-2048 keys.
bool UseSecureHeapForPrivateKeys(size_t bytes = size_t{8} << 20);
// Whether `pointer` lies in OpenSSL's secure heap (for tests and doctor).
bool InSecureHeap(const void* pointer);

class PrivateKey {
 public:
  // Generates a new key: RSA of `bits` (>= 1024) or Ed25519 (bits ignored).
  static Result<PrivateKey> Generate(KeyType type, int bits = 2048);
  // Loads a PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519) or, for
  // Ed25519, the base64 of the raw 32-byte seed (RFC 8463 appendix A).
  static Result<PrivateKey> Load(std::string_view text);

  KeyType type() const { return type_; }
  int bits() const;
  // PKCS#8 PEM, for writing to a 0600 file or to the store; it never
  // touches the ordinary heap (OpenSSL's secure BIO, then SecretBytes).
  base::SecretBytes ToPem() const;
  // The p= value for the key record: base64 SubjectPublicKeyInfo (RSA) or
  // base64 of the raw 32 bytes (Ed25519, RFC 8463 section 4.2).
  std::string PublicKeyBase64() const;
  // Signs a SHA-256 digest: RSASSA-PKCS1-v1_5 with DigestInfo, or Ed25519
  // over the 32 digest bytes (RFC 8463 section 3). Returns raw signature.
  Result<std::string> SignDigest(std::string_view digest);
  // An independent copy with its own operation context (for another thread).
  PrivateKey Clone() const;

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

 private:
  PrivateKey(PkeyPtr key, KeyType type);
  PkeyPtr key_;
  KeyType type_;
  std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> rsa_ctx_;  // RSA: sign-initialised
  std::unique_ptr<evp_md_ctx_st, MdCtxDeleter> ed_ctx_;       // Ed25519: sign-initialised
};

class PublicKey {
 public:
  // From a key record's decoded p= bytes: RSA as SubjectPublicKeyInfo or a
  // bare RSAPublicKey; Ed25519 as the raw 32 bytes.
  static Result<PublicKey> FromRecordBytes(KeyType type, std::string_view der);

  KeyType type() const { return type_; }
  int bits() const;
  // Verifies `signature` over `digest` (hash algorithm `hash`; Ed25519 only
  // with SHA-256). False on any mismatch.
  bool VerifyDigest(HashAlgorithm hash, std::string_view digest, std::string_view signature) const;

  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

 private:
  PublicKey(PkeyPtr key, KeyType type);
  PkeyPtr key_;
  KeyType type_;
  // Prepared verify contexts and the buffer RSA recovers the DigestInfo
  // into; mutable because they are a cache, which is also why a PublicKey
  // must not be used by two threads at once.
  mutable std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> rsa_ctx_;
  mutable std::string rsa_recovered_;
  mutable std::unique_ptr<evp_md_ctx_st, MdCtxDeleter> ed_ctx_;
};

// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);
// Decodes base64, ignoring FWS; fails on any other non-alphabet character
// or bad padding.
Result<std::string> Base64Decode(std::string_view text);
// The same into `out`, reusing its storage (the verifier decodes b= and bh=
// for every message); false, with `out` unspecified, where Base64Decode fails.
bool Base64DecodeInto(std::string_view text, std::string& out);

}  // namespace dkim

#endif  // LISTD_DKIM_CRYPTO_H_
