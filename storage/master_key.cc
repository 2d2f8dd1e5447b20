// The master key file and AES-256-GCM sealing (storage/master_key.h).
//
// Creation is atomic: the 32 random bytes are written to a fresh temporary
// file (mkostemp: O_CREAT|O_EXCL, mode 0600, then fchmod 0600 whatever the
// umask), synced, and hard-linked to the final name. link() never replaces
// an existing file, so when the daemon and listctl start together on first
// use, one key wins and the other process loads it; nobody ever reads a
// half-written key.
//
// Sealing: a fresh 12-byte nonce from the CSPRNG for every seal (GCM's
// recommended nonce size; with random nonces a key stays safe for far more
// than 2^32 seals, and we seal once per key generated). The authenticated
// data is the "LDK1" prefix followed by the caller's associated data, so the
// format tag is covered by the tag too.
#include "storage/master_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace storage {
namespace {

constexpr size_t kKeySize = 32;    // AES-256
constexpr size_t kNonceSize = 12;  // GCM's native IV size
constexpr size_t kTagSize = 16;
constexpr std::string_view kMagic = "LDK1";

using base::Error;
using base::Result;

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the result (a write error may surface here).
  int Close() {
    int rc = close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Seal() has no error path: it can fail only if OpenSSL cannot allocate or
// the CSPRNG cannot be seeded, and then no key may be stored at all.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "listd: fatal: %s\n", what);
  std::abort();
}

std::string Errno() { return std::strerror(errno); }

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }
unsigned char* Bytes(base::SecretBytes& secret) {
  return reinterpret_cast<unsigned char*>(secret.data());
}
const unsigned char* Bytes(const base::SecretBytes& secret) {
  return reinterpret_cast<const unsigned char*>(secret.data());
}

std::string OctalMode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Makes a new key file at `path` unless one appears there first.
base::Status CreateKeyFile(const std::string& path) {
  const std::string fail = "cannot create master key file " + path + ": ";
  std::string temp = path + ".XXXXXX";
  Fd fd(mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) return Error{fail + Errno()};
  // Whatever happens next, the temporary name goes away.
  struct Unlink {
    const std::string& name;
    ~Unlink() { unlink(name.c_str()); }
  } unlink_temp{temp};
  if (fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) return Error{fail + Errno()};
  base::SecretBytes key(kKeySize);
  if (RAND_bytes(Bytes(key), static_cast<int>(kKeySize)) != 1) {
    return Error{fail + "the random generator failed"};
  }
  if (!WriteAll(fd.get(), key.view()) || fsync(fd.get()) != 0) return Error{fail + Errno()};
  if (fd.Close() != 0) return Error{fail + Errno()};
  if (link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) return Error{fail + Errno()};
  return base::Ok();
}

// Checks an open key file and reads its key.
Result<base::SecretBytes> ReadKeyFile(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return Error{"cannot read master key file " + path + ": " + Errno()};
  if (!S_ISREG(st.st_mode)) return Error{"master key file " + path + " is not a regular file"};
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{base::ErrorKind::kForbidden,
                 "master key file " + path + " has mode " + OctalMode(st.st_mode) +
                     ", so group or others may use it, and whoever reads it can open every list's "
                     "private key; run `chmod 600 " +
                     path + "`"};
  }
  if (st.st_uid != geteuid()) {
    return Error{base::ErrorKind::kForbidden,
                 "master key file " + path + " is owned by uid " + std::to_string(st.st_uid) +
                     ", not by uid " + std::to_string(geteuid()) +
                     " running this program; run as its owner, or chown it"};
  }
  if (static_cast<size_t>(st.st_size) != kKeySize) {
    return Error{"master key file " + path + " holds " + std::to_string(st.st_size) +
                 " bytes, not " + std::to_string(kKeySize) +
                 ": it is not a listd master key, or it was damaged"};
  }
  base::SecretBytes key(kKeySize);
  size_t have = 0;
  while (have < kKeySize) {
    ssize_t n = read(fd, key.data() + have, kKeySize - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Error{"cannot read master key file " + path + ": " +
                   (n < 0 ? Errno() : std::string("it is shorter than it says"))};
    }
    have += static_cast<size_t>(n);
  }
  return key;
}

}  // namespace

Result<MasterKey> MasterKey::LoadOrCreate(const std::string& path, bool create) {
  // Two rounds: the file is missing, we create it (or another process
  // does), then we read it.
  for (int round = 0; round < 2; ++round) {
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) {
      Result<base::SecretBytes> key = ReadKeyFile(fd.get(), path);
      if (!key) return key.failure();
      return MasterKey(std::move(*key));
    }
    if (errno != ENOENT) return Error{"cannot read master key file " + path + ": " + Errno()};
    if (!create) return base::NotFound("master key file " + path + " does not exist");
    base::Status created = CreateKeyFile(path);
    if (!created) return created.failure();
  }
  return Error{"master key file " + path + " vanished while it was being created"};
}

std::string MasterKey::DefaultPathFor(const std::string& db_path) { return db_path + ".key"; }

std::string MasterKey::Seal(std::string_view plaintext, std::string_view associated_data) const {
  if (plaintext.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      associated_data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    Fatal("MasterKey::Seal: input too large");
  }
  std::string sealed(kMagic);
  sealed.resize(kMagic.size() + kNonceSize + plaintext.size() + kTagSize);
  unsigned char* nonce = Bytes(sealed) + kMagic.size();
  unsigned char* out = nonce + kNonceSize;
  if (RAND_bytes(nonce, static_cast<int>(kNonceSize)) != 1) Fatal("the random generator failed");

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), Bytes(key_), nonce, nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(kMagic), static_cast<int>(kMagic.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          out + plaintext.size()) != 1) {
    Fatal("AES-256-GCM encryption failed in OpenSSL");
  }
  return sealed;
}

Result<base::SecretBytes> MasterKey::Open(std::string_view sealed,
                                          std::string_view associated_data) const {
  const std::string refused =
      "the sealed key does not open: it was altered, belongs to another row, or was sealed under "
      "another master key";
  if (sealed.size() < kMagic.size() + kNonceSize + kTagSize ||
      sealed.substr(0, kMagic.size()) != kMagic) {
    return Error{"the sealed key is not in the LDK1 format"};
  }
  if (sealed.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      associated_data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Error{"the sealed key is too large"};
  }
  const unsigned char* nonce = Bytes(sealed) + kMagic.size();
  const unsigned char* ciphertext = nonce + kNonceSize;
  const size_t ciphertext_size = sealed.size() - kMagic.size() - kNonceSize - kTagSize;
  // EVP's SET_TAG takes a non-const pointer; give it a copy.
  unsigned char tag[kTagSize];
  std::memcpy(tag, ciphertext + ciphertext_size, kTagSize);

  // At least one byte, so EVP never sees a null output (which means AAD).
  base::SecretBytes plain(std::max<size_t>(ciphertext_size, 1));
  plain.Shrink(ciphertext_size);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Error{"OpenSSL could not allocate a cipher context"};
  int len = 0;
  if (EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), Bytes(key_), nonce, nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(kMagic), static_cast<int>(kMagic.size())) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(plain), &len, ciphertext,
                        static_cast<int>(ciphertext_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag) != 1) {
    return Error{refused};
  }
  int final_len = 0;
  // The tag is checked here; until it is, the plaintext must not be used.
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + len, &final_len) != 1) {
    return Error{refused};
  }
  return plain;
}

}  // namespace storage
