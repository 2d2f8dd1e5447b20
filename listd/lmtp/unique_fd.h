// UniqueFd: sole owner of one POSIX file descriptor, closed on destruction.
//
// Move-only; -1 means "owns nothing". Thread-safety: a plain value; do not
// share one UniqueFd between threads without a lock.
#ifndef LISTD_LISTD_LMTP_UNIQUE_FD_H_
#define LISTD_LISTD_LMTP_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace listd::lmtp {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  // The descriptor, still owned; -1 if none.
  int get() const { return fd_; }
  // True when a descriptor is owned.
  explicit operator bool() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned descriptor (if any) and takes `fd`.
  void reset(int fd = -1) {
    // close() errors are not actionable here: the descriptor is gone either way.
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_UNIQUE_FD_H_
