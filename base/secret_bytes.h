// SecretBytes: a fixed-size buffer for key material that must not outlive
// its use nor reach a core dump.
//
// Each buffer has pages of its own (an anonymous mapping), marked
// MADV_DONTDUMP so the kernel leaves them out of any core file, and locked
// with mlock where the limit allows it so they are never written to swap
// (best effort: RLIMIT_MEMLOCK is small for unprivileged users, and the
// dump exclusion, which needs no privilege, is what matters most). The
// bytes are wiped before the pages are returned. Secrets are few and small
// (the master key, a private key on its way into OpenSSL), so a mapping
// per buffer costs nothing that matters.
//
// Moves transfer the pages; copies are not allowed, so a secret exists in
// exactly one place. Not thread-safe beyond the usual: one owner at a time.
#ifndef LISTD_BASE_SECRET_BYTES_H_
#define LISTD_BASE_SECRET_BYTES_H_

#include <cstddef>
#include <string_view>

namespace base {

class SecretBytes {
 public:
  // An empty buffer that owns no pages.
  SecretBytes() = default;
  // `size` zero bytes on pages of their own; aborts when memory is exhausted
  // (there is no sensible way on without somewhere safe to put a key).
  explicit SecretBytes(size_t size);
  // A copy of `bytes` on pages of their own.
  static SecretBytes CopyOf(std::string_view bytes);

  ~SecretBytes();  // wipes, then unmaps
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }
  // Shortens the buffer (the bytes past `size` are wiped at once).
  void Shrink(size_t size);

  friend bool operator==(const SecretBytes& a, std::string_view b) { return a.view() == b; }

 private:
  void Release();
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // whole pages
};

}  // namespace base

#endif  // LISTD_BASE_SECRET_BYTES_H_
