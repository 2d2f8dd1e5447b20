// SecretBytes (base/secret_bytes.h): anonymous pages, MADV_DONTDUMP,
// best-effort mlock, explicit_bzero before munmap.
#include "base/secret_bytes.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace base {
namespace {

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "listd: fatal: %s\n", what);
  std::abort();
}

}  // namespace

SecretBytes::SecretBytes(size_t size) : size_(size) {
  if (size == 0) return;
  mapped_ = (size + PageSize() - 1) / PageSize() * PageSize();
  void* pages = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) Fatal("cannot map memory for key material");
  // Without the exclusion a crash would write the secret into a core file:
  // refuse to hold it rather than hold it carelessly.
  if (madvise(pages, mapped_, MADV_DONTDUMP) != 0)
    Fatal("cannot exclude key material from core dumps");
  (void)mlock(pages, mapped_);  // may exceed RLIMIT_MEMLOCK; then swap is the risk left
  data_ = static_cast<char*>(pages);
}

SecretBytes SecretBytes::CopyOf(std::string_view bytes) {
  SecretBytes copy(bytes.size());
  if (!bytes.empty()) std::memcpy(copy.data_, bytes.data(), bytes.size());
  return copy;
}

SecretBytes::~SecretBytes() { Release(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

void SecretBytes::Shrink(size_t size) {
  if (size >= size_) return;
  explicit_bzero(data_ + size, size_ - size);
  size_ = size;
}

void SecretBytes::Release() {
  if (data_ == nullptr) return;
  explicit_bzero(data_, mapped_);
  munlock(data_, mapped_);
  munmap(data_, mapped_);
  data_ = nullptr;
  size_ = 0;
  mapped_ = 0;
}

}  // namespace base
