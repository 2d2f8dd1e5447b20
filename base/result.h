// Result<T>: a value or a human-readable error, the way errors cross module
// boundaries in listd (DESIGN.md, habits). No exceptions leave a library.
//
// base/ holds the few header-only value types every room shares; it depends
// on nothing, so dkim/ stays liftable and storage/ need not include dkim/.
//
// Thread-safety: a plain value type.
#ifndef LISTD_BASE_RESULT_H_
#define LISTD_BASE_RESULT_H_

#include <string>
#include <utility>
#include <variant>

namespace base {

// The error half of a Result: a sentence a list admin can act on.
struct Error {
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Only meaningful when !ok().
  const std::string& error() const { return std::get<Error>(state_).message; }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that yields nothing but may fail.
struct Done {};
using Status = Result<Done>;
inline Status Ok() { return Done{}; }

}  // namespace base

#endif  // LISTD_BASE_RESULT_H_
