// Result and Error (base/result.h): an error keeps its kind from where it
// is born to the face that shows it, through every pass-along and every
// prefix of context on the way.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "base/result.h"

namespace {

using base::Error;
using base::ErrorKind;
using base::Result;
using base::Status;

constexpr ErrorKind kEveryKind[] = {ErrorKind::kInvalid,     ErrorKind::kNotFound,
                                    ErrorKind::kConflict,    ErrorKind::kForbidden,
                                    ErrorKind::kUnavailable, ErrorKind::kInternal};

Result<int> Find(bool found) {
  if (!found) return base::NotFound("no list x@example.org");
  return 7;
}

// A caller that passes the error on, and one that adds what it was doing.
Result<std::string> PassOn(bool found) {
  Result<int> n = Find(found);
  if (!n) return n.failure();
  return std::to_string(*n);
}
Status WithContext(bool found) {
  Result<std::string> text = PassOn(found);
  if (!text) return text.failure().Prefixed("showing the list");
  return base::Ok();
}

TEST_CASE("errors: an error made without a kind is internal", "[result]") {
  Error plain("the store is broken");
  CHECK(plain.kind == ErrorKind::kInternal);
  Result<int> failed = Error{"disk full"};
  CHECK(failed.kind() == ErrorKind::kInternal);
}

TEST_CASE("errors: the factories make each kind, with the sentence unchanged", "[result]") {
  CHECK(base::Invalid("a").kind == ErrorKind::kInvalid);
  CHECK(base::NotFound("b").kind == ErrorKind::kNotFound);
  CHECK(base::Conflict("c").kind == ErrorKind::kConflict);
  CHECK(base::Forbidden("d").kind == ErrorKind::kForbidden);
  CHECK(base::Unavailable("e").kind == ErrorKind::kUnavailable);
  CHECK(base::Internal("f").kind == ErrorKind::kInternal);
  CHECK(base::Conflict("list x already exists").message == "list x already exists");
}

TEST_CASE("errors: passing an error on and prefixing it keep its kind", "[result]") {
  CHECK(PassOn(true).ok());
  Result<std::string> passed = PassOn(false);
  REQUIRE_FALSE(passed.ok());
  CHECK(passed.kind() == ErrorKind::kNotFound);
  CHECK(passed.error() == "no list x@example.org");
  Status prefixed = WithContext(false);
  REQUIRE_FALSE(prefixed.ok());
  CHECK(prefixed.kind() == ErrorKind::kNotFound);
  CHECK(prefixed.error() == "showing the list: no list x@example.org");
  CHECK(WithContext(true).ok());
}

TEST_CASE("errors: every kind has its own name", "[result]") {
  std::set<std::string> names;
  for (ErrorKind kind : kEveryKind) names.insert(std::string(base::ToString(kind)));
  CHECK(names == std::set<std::string>{"invalid", "not_found", "conflict", "forbidden",
                                       "unavailable", "internal"});
}

TEST_CASE("errors: only internal and unavailable are the system's failures", "[result]") {
  // They leave work to be tried again; every other kind is answered.
  std::set<ErrorKind> system;
  for (ErrorKind kind : kEveryKind) {
    if (base::IsSystemFailure(base::Error(kind, "x"))) system.insert(kind);
  }
  CHECK(system == std::set<ErrorKind>{ErrorKind::kInternal, ErrorKind::kUnavailable});
}

}  // namespace
