// listctl's exit statuses (listd/cli/exit_codes.h): each error kind has
// its own status, the --help text lists every one, and a CommandError made
// from a failed Result carries the Result's kind to it.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "listd/cli/cli_common.h"
#include "listd/cli/exit_codes.h"

namespace {

using base::ErrorKind;
using namespace listd::cli;

TEST_CASE("exit codes: each kind of error has its own status", "[exit_codes]") {
  CHECK(ExitCodeFor(ErrorKind::kInvalid) == 2);
  CHECK(ExitCodeFor(ErrorKind::kNotFound) == 3);
  CHECK(ExitCodeFor(ErrorKind::kConflict) == 4);
  CHECK(ExitCodeFor(ErrorKind::kForbidden) == 5);
  CHECK(ExitCodeFor(ErrorKind::kUnavailable) == 6);
  CHECK(ExitCodeFor(ErrorKind::kInternal) == 7);
  std::set<int> codes;
  for (ErrorKind kind : {ErrorKind::kInvalid, ErrorKind::kNotFound, ErrorKind::kConflict,
                         ErrorKind::kForbidden, ErrorKind::kUnavailable, ErrorKind::kInternal}) {
    codes.insert(ExitCodeFor(kind));
  }
  CHECK(codes.size() == 6);
  CHECK(codes.count(kExitOk) == 0);
  CHECK(codes.count(kExitNo) == 0);
}

TEST_CASE("exit codes: --help lists every status", "[exit_codes]") {
  const std::string help = ExitCodesHelp();
  for (int code = 0; code <= 7; ++code) {
    INFO(code);
    CHECK_THAT(help, Catch::Contains("  " + std::to_string(code) + "  "));
  }
}

TEST_CASE("exit codes: a failed result reaches the shell with its kind", "[exit_codes]") {
  const int unavailable = RunReportingErrors("listctl", "test", [] {
    OrThrow(base::Status(base::Unavailable("the store is locked")));
    return kExitOk;
  });
  CHECK(unavailable == 6);
  const int not_found = RunReportingErrors("listctl", "test", [] {
    OrThrow(base::Result<int>(base::NotFound("no list x@example.org")));
    return kExitOk;
  });
  CHECK(not_found == 3);
  // A usage error is kind invalid unless it says otherwise.
  const int usage =
      RunReportingErrors("listctl", "test", []() -> int { throw CommandError{"--bogus"}; });
  CHECK(usage == 2);
}

}  // namespace
