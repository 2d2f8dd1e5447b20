// OpenSSL 3 EVP wrappers. Every OpenSSL object is owned by a unique_ptr.
// Prepared contexts (EVP_PKEY_CTX for RSA, EVP_MD_CTX for Ed25519) are kept
// per key because OpenSSL 3's per-call fetch and set-up costs microseconds,
// which is a visible share of a 4 KB message's verification.
#include "dkim/crypto.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>

namespace dkim {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// Digest algorithms are fetched once; EVP_MD objects are immutable and
// shareable between threads.
const EVP_MD* FetchedMd(HashAlgorithm algorithm) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return algorithm == HashAlgorithm::kSha256 ? sha256 : sha1;
}

// An RSA signing context with PKCS#1 v1.5 padding and the digest named, so
// that OpenSSL writes the DigestInfo.
std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> NewRsaSignContext(EVP_PKEY* key,
                                                                   HashAlgorithm hash) {
  std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), FetchedMd(hash)) <= 0) {
    return nullptr;
  }
  return ctx;
}

// An RSA context that recovers the signed block: PKCS#1 v1.5 type 1
// padding is checked by OpenSSL, the DigestInfo is compared by the caller.
std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> NewRsaRecoverContext(EVP_PKEY* key) {
  std::unique_ptr<evp_pkey_ctx_st, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0) {
    return nullptr;
  }
  return ctx;
}

// The DER prefix of a DigestInfo for each hash, RFC 8017 section 9.2 note 1;
// the digest itself follows it.
std::string_view DigestInfoPrefix(HashAlgorithm hash) {
  static constexpr unsigned char kSha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                              0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                              0x01, 0x05, 0x00, 0x04, 0x20};
  static constexpr unsigned char kSha1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                            0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
  return hash == HashAlgorithm::kSha256
             ? std::string_view(reinterpret_cast<const char*>(kSha256), sizeof kSha256)
             : std::string_view(reinterpret_cast<const char*>(kSha1), sizeof kSha1);
}

}  // namespace

void PkeyDeleter::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }
void PkeyCtxDeleter::operator()(evp_pkey_ctx_st* ctx) const { EVP_PKEY_CTX_free(ctx); }
void MdCtxDeleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

// ---- Hasher ----

Hasher::Hasher(HashAlgorithm algorithm) : algorithm_(algorithm), ctx_(EVP_MD_CTX_new()) {
  Reset();
}

void Hasher::Reset() { EVP_DigestInit_ex(ctx_.get(), FetchedMd(algorithm_), nullptr); }

void Hasher::Update(std::string_view bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

Digest Hasher::Finish() {
  Digest out;
  Finish(out);
  return out;
}

void Hasher::Finish(Digest& out) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), md, &len);
  out.assign(reinterpret_cast<char*>(md), len);
}

Digest HashBytes(HashAlgorithm algorithm, std::string_view bytes) {
  Hasher h(algorithm);
  h.Update(bytes);
  return h.Finish();
}

// ---- PrivateKey ----

PrivateKey::PrivateKey(PkeyPtr key, KeyType type) : key_(std::move(key)), type_(type) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::Generate(KeyType type, int bits) {
  EVP_PKEY* raw = nullptr;
  if (type == KeyType::kRsa) {
    // RFC 8301 section 3.2: signers MUST use at least 1024 bits.
    if (bits < 1024) return Error{"RSA keys must have at least 1024 bits (RFC 8301 section 3.2)"};
    if (bits > 16384) return Error{"RSA keys above 16384 bits are not supported"};
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  } else {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (raw == nullptr) return Error{"key generation failed in OpenSSL"};
  return PrivateKey(PkeyPtr(raw), type);
}

Result<PrivateKey> PrivateKey::Load(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) return Error{"not a readable PEM private key (encrypted PEM is not supported)"};
    PkeyPtr key(raw);
    switch (EVP_PKEY_get_base_id(key.get())) {
      case EVP_PKEY_RSA:
        return PrivateKey(std::move(key), KeyType::kRsa);
      case EVP_PKEY_ED25519:
        return PrivateKey(std::move(key), KeyType::kEd25519);
      default:
        return Error{"unsupported key type: DKIM signs with RSA or Ed25519 only"};
    }
  }
  // RFC 8463 appendix A prints the Ed25519 secret key as base64 of 32 bytes.
  Result<std::string> seed = Base64Decode(text);
  if (!seed.ok() || seed->size() != 32) {
    return Error{"not a PEM private key, nor the base64 of a 32-byte Ed25519 seed"};
  }
  EVP_PKEY* raw = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed->data()), 32);
  if (raw == nullptr) return Error{"OpenSSL refused the Ed25519 seed"};
  return PrivateKey(PkeyPtr(raw), KeyType::kEd25519);
}

int PrivateKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

base::SecretBytes PrivateKey::ToPem() const {
  // BIO_s_secmem keeps the PEM on the secure heap while OpenSSL writes it.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return base::SecretBytes::CopyOf(std::string_view(data, len > 0 ? static_cast<size_t>(len) : 0));
}

bool UseSecureHeapForPrivateKeys(size_t bytes) {
  if (CRYPTO_secure_malloc_initialized()) return true;
  // minsize 32: the smallest block, enough for an Ed25519 seed.
  return CRYPTO_secure_malloc_init(bytes, 32) != 0;
}

bool InSecureHeap(const void* pointer) { return CRYPTO_secure_allocated(pointer) != 0; }

std::string PrivateKey::PublicKeyBase64() const {
  if (type_ == KeyType::kEd25519) {
    unsigned char raw[32];
    size_t len = sizeof raw;
    EVP_PKEY_get_raw_public_key(key_.get(), raw, &len);
    return Base64Encode(std::string_view(reinterpret_cast<char*>(raw), len));
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  std::string out = Base64Encode(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return out;
}

Result<std::string> PrivateKey::SignDigest(std::string_view digest) {
  const auto* in = reinterpret_cast<const unsigned char*>(digest.data());
  if (type_ == KeyType::kRsa) {
    if (!rsa_ctx_) rsa_ctx_ = NewRsaSignContext(key_.get(), HashAlgorithm::kSha256);
    if (!rsa_ctx_) return Error{"OpenSSL could not prepare RSA signing"};
    std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key_.get())), '\0');
    size_t len = sig.size();
    if (EVP_PKEY_sign(rsa_ctx_.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                      digest.size()) <= 0) {
      return Error{"RSA signing failed in OpenSSL"};
    }
    sig.resize(len);
    return sig;
  }
  // Ed25519 is one-shot; a context initialised once may be reused for each
  // EVP_DigestSign (as `openssl speed` does); re-initialise if OpenSSL says no.
  std::string sig(64, '\0');
  size_t len = sig.size();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ed_ctx_ || attempt == 1) {
      ed_ctx_.reset(EVP_MD_CTX_new());
      if (!ed_ctx_ || EVP_DigestSignInit_ex(ed_ctx_.get(), nullptr, nullptr, nullptr, nullptr,
                                            key_.get(), nullptr) <= 0) {
        return Error{"OpenSSL could not prepare Ed25519 signing"};
      }
    }
    len = sig.size();
    if (EVP_DigestSign(ed_ctx_.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       digest.size()) > 0) {
      sig.resize(len);
      return sig;
    }
  }
  return Error{"Ed25519 signing failed in OpenSSL"};
}

PrivateKey PrivateKey::Clone() const {
  EVP_PKEY_up_ref(key_.get());  // EVP_PKEY is reference counted and thread-safe to share
  return PrivateKey(PkeyPtr(key_.get()), type_);
}

// ---- PublicKey ----

PublicKey::PublicKey(PkeyPtr key, KeyType type) : key_(std::move(key)), type_(type) {}
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::~PublicKey() = default;

Result<PublicKey> PublicKey::FromRecordBytes(KeyType type, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  if (type == KeyType::kEd25519) {
    // RFC 8463 section 4.2: p= is the raw 32-byte public key.
    if (der.size() != 32) {
      return Error{"Ed25519 p= must be 32 bytes, got " + std::to_string(der.size())};
    }
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, p, 32);
    if (raw == nullptr) return Error{"OpenSSL refused the Ed25519 public key"};
    return PublicKey(PkeyPtr(raw), type);
  }
  // RFC 6376 section 3.6.1 says SubjectPublicKeyInfo; some publish a bare
  // RSAPublicKey (PKCS#1), which receivers accept, so we do too.
  const unsigned char* cursor = p;
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
  if (raw != nullptr && cursor != p + der.size()) {
    EVP_PKEY_free(raw);
    raw = nullptr;
  }
  if (raw == nullptr) {
    cursor = p;
    raw = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size()));
    if (raw != nullptr && cursor != p + der.size()) {
      EVP_PKEY_free(raw);
      raw = nullptr;
    }
  }
  if (raw == nullptr) return Error{"p= is not a valid RSA public key"};
  PkeyPtr key(raw);
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return Error{"p= holds a key that is not RSA although k=rsa"};
  }
  return PublicKey(std::move(key), type);
}

int PublicKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

bool PublicKey::VerifyDigest(HashAlgorithm hash, std::string_view digest,
                             std::string_view signature) const {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* in = reinterpret_cast<const unsigned char*>(digest.data());
  if (type_ == KeyType::kRsa) {
    // RSASSA-PKCS1-v1_5 verification, RFC 8017 section 8.2.2: recover the
    // encoded block and compare it with the DigestInfo of `digest`. This is
    // what EVP_PKEY_verify with a signature digest does, less its two heap
    // buffers per call (a tenth of a 4 KB message's overhead, bench/).
    if (!rsa_ctx_) {
      rsa_ctx_ = NewRsaRecoverContext(key_.get());
      if (!rsa_ctx_) return false;
      rsa_recovered_.resize(static_cast<size_t>(EVP_PKEY_get_size(key_.get())));
    }
    // As RSA_verify: the signature is exactly as long as the modulus.
    if (signature.size() != rsa_recovered_.size()) return false;
    size_t len = rsa_recovered_.size();
    auto* out = reinterpret_cast<unsigned char*>(rsa_recovered_.data());
    if (EVP_PKEY_verify_recover(rsa_ctx_.get(), out, &len, sig, signature.size()) <= 0) {
      return false;
    }
    std::string_view prefix = DigestInfoPrefix(hash);
    std::string_view recovered(rsa_recovered_.data(), len);
    return recovered.size() == prefix.size() + digest.size() &&
           recovered.substr(0, prefix.size()) == prefix &&
           recovered.substr(prefix.size()) == digest;
  }
  if (hash != HashAlgorithm::kSha256 || signature.size() != 64) return false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ed_ctx_ || attempt == 1) {
      ed_ctx_.reset(EVP_MD_CTX_new());
      if (!ed_ctx_ || EVP_DigestVerifyInit_ex(ed_ctx_.get(), nullptr, nullptr, nullptr, nullptr,
                                              key_.get(), nullptr) <= 0) {
        return false;
      }
    }
    int r = EVP_DigestVerify(ed_ctx_.get(), sig, signature.size(), in, digest.size());
    if (r == 1) return true;
    if (r == 0) return false;  // a clean "does not verify"
    // r < 0: the context may refuse reuse; retry once with a fresh one.
  }
  return false;
}

// ---- base64 ----

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(len));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  if (!Base64DecodeInto(text, out)) return Error{"invalid base64"};
  return out;
}

bool Base64DecodeInto(std::string_view text, std::string& out) {
  // Decoded here rather than by EVP_DecodeBlock, which wants the input
  // without FWS (so a copy first) and reports padding bytes as data: b= is
  // decoded for every signature verified, so this is on the hot path.
  static const auto kValues = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  out.resize(text.size() / 4 * 3 + 3);
  char* cursor = out.data();
  uint32_t group = 0;
  int sextets = 0;
  int padding = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  // Fast path: whole groups of four alphabet characters, one lookup each in
  // tables that hold the sextet already shifted into place (a non-alphabet
  // byte sets the top byte); anything else (FWS, '=', junk) goes through the
  // careful loop.
  static const auto kPlaced = [] {
    std::array<std::array<uint32_t, 256>, 4> t{};
    for (int k = 0; k < 4; ++k) {
      for (int c = 0; c < 256; ++c) {
        t[k][c] = kValues[c] < 0 ? 0xff000000u
                                 : static_cast<uint32_t>(kValues[c]) << (18 - 6 * k);
      }
    }
    return t;
  }();
  auto group_of_four = [&](size_t at) -> int32_t {
    uint32_t g = kPlaced[0][in[at]] | kPlaced[1][in[at + 1]] | kPlaced[2][in[at + 2]] |
                 kPlaced[3][in[at + 3]];
    return (g & 0xff000000u) != 0 ? -1 : static_cast<int32_t>(g);
  };
  for (; i < n; ++i) {
    if (sextets == 0 && padding == 0) {
      while (i + 4 <= n) {
        int32_t g = group_of_four(i);
        if (g < 0) break;
        cursor[0] = static_cast<char>(g >> 16);
        cursor[1] = static_cast<char>(g >> 8);
        cursor[2] = static_cast<char>(g);
        cursor += 3;
        i += 4;
      }
      if (i >= n) break;
    }
    char c = static_cast<char>(in[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int8_t v = kValues[static_cast<unsigned char>(c)];
    if (v < 0 || padding > 0) return false;
    group = (group << 6) | static_cast<uint32_t>(v);
    if (++sextets == 4) {
      cursor[0] = static_cast<char>(group >> 16);
      cursor[1] = static_cast<char>(group >> 8);
      cursor[2] = static_cast<char>(group);
      cursor += 3;
      group = 0;
      sextets = 0;
    }
  }
  // Padding completes the last group: two sextets + "==" or three + "=".
  if (sextets == 2 && padding == 2) {
    *cursor++ = static_cast<char>(group >> 4);
  } else if (sextets == 3 && padding == 1) {
    *cursor++ = static_cast<char>(group >> 10);
    *cursor++ = static_cast<char>(group >> 2);
  } else if (sextets != 0 || padding != 0) {
    return false;  // a length or padding that ends no group
  }
  out.resize(static_cast<size_t>(cursor - out.data()));
  return true;
}

}  // namespace dkim
