// Result<T>: a value or an error, the way errors cross module boundaries in
// listd (DESIGN.md, habits). No exceptions leave a library.
//
// An Error is a sentence a list admin can act on and a kind a program can
// act on: listctl turns the kind into its exit status, the REST API into
// an HTTP status, so "no such list" (not_found) and "the store is broken"
// (internal) are told apart without reading the sentence. An error made
// without a kind is internal: a failure nobody classified is a bug or a
// broken store until someone says otherwise.
//
// base/ holds the few header-only value types every room shares; it depends
// on nothing, so dkim/ stays liftable and storage/ need not include dkim/.
//
// Thread-safety: plain value types.
#ifndef LISTD_BASE_RESULT_H_
#define LISTD_BASE_RESULT_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace base {

// What kind of failure an Error is; closed, so every face maps each one.
enum class ErrorKind {
  kInvalid,      // the request is wrong (a bad address, an unknown setting): fix and ask again
  kNotFound,     // what it names does not exist (no such list, member, key, held post)
  kConflict,     // it clashes with what exists (already there, or its state forbids it now)
  kForbidden,    // the caller may not do this
  kUnavailable,  // something it needs is down or busy (DNS, the smarthost, a locked store): retry
  kInternal,     // the store is broken, or a bug
};

// "invalid", "not_found", "conflict", "forbidden", "unavailable", "internal".
constexpr std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

// The error half of a Result.
struct Error {
  explicit Error(std::string text) : message(std::move(text)) {}
  Error(ErrorKind what, std::string text) : message(std::move(text)), kind(what) {}

  // The same kind, the message after "<context>: ".
  Error Prefixed(std::string_view context) const {
    return Error(kind, std::string(context) + ": " + message);
  }

  std::string message;
  ErrorKind kind = ErrorKind::kInternal;
};

// Whether `error` is the system's (a broken store, something down or
// busy) rather than the request's own: the first leaves the work to be
// tried again, the second is answered to whoever asked.
inline bool IsSystemFailure(const Error& error) {
  return error.kind == ErrorKind::kInternal || error.kind == ErrorKind::kUnavailable;
}

// Errors of each kind, for brevity where they are made.
inline Error Invalid(std::string message) { return Error(ErrorKind::kInvalid, std::move(message)); }
inline Error NotFound(std::string message) {
  return Error(ErrorKind::kNotFound, std::move(message));
}
inline Error Conflict(std::string message) {
  return Error(ErrorKind::kConflict, std::move(message));
}
inline Error Forbidden(std::string message) {
  return Error(ErrorKind::kForbidden, std::move(message));
}
inline Error Unavailable(std::string message) {
  return Error(ErrorKind::kUnavailable, std::move(message));
}
inline Error Internal(std::string message) {
  return Error(ErrorKind::kInternal, std::move(message));
}

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

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

  // Only meaningful when !ok(): the sentence, the kind, the whole Error
  // (to pass on as it is: `return found.failure();`).
  const std::string& error() const { return std::get<Error>(state_).message; }
  ErrorKind kind() const { return std::get<Error>(state_).kind; }
  const Error& failure() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that yields nothing but may fail.
struct Done {};
using Status = Result<Done>;
inline Status Ok() { return Done{}; }

}  // namespace base

#endif  // LISTD_BASE_RESULT_H_
