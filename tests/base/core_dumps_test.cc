// base::ForbidCoreDumps (hardening finding 10): after it the process is not
// dumpable, so the kernel writes no core file of it (prctl(2),
// PR_SET_DUMPABLE). Run in a child, so the test binary itself stays as it is.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "base/core_dumps.h"

namespace {

// Runs `body` in a forked child and returns its exit status.
template <typename Body>
int InChild(Body body) {
  const pid_t child = fork();
  if (child == 0) _exit(body());
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("a process that forbids core dumps is no longer dumpable", "[core]") {
  const int outcome = InChild([] {
    if (!base::CoreDumpsAllowed()) return 10;  // dumpable to begin with, or the test says nothing
    if (!base::ForbidCoreDumps()) return 11;
    return base::CoreDumpsAllowed() ? 12 : 0;
  });
  CHECK(outcome == 0);
}

}  // namespace
