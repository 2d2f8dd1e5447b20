// base::SecretBytes keeps key material on pages of its own that a core dump
// leaves out (hardening finding 10: the master key was in listd's core).
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "base/secret_bytes.h"

namespace {

// The VmFlags line of the /proc/self/smaps mapping that holds `address`
// (proc(5): "dd" is "do not include area into core dump").
std::string VmFlagsOfMappingHolding(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    // A mapping opens with "START-END PERMS ..."; its fields follow it.
    std::istringstream header(line);
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    if (line.rfind("VmFlags:", 0) == 0) {
      if (inside) return line;
    } else if (line.find(':') > line.find(' ') && header >> std::hex >> start >> dash >> end &&
               dash == '-') {
      inside = at >= start && at < end;
    }
  }
  return "";
}

bool ExcludedFromCoreDumps(const void* address) {
  return (VmFlagsOfMappingHolding(address) + " ").find(" dd ") != std::string::npos;
}

TEST_CASE("secret bytes lie on pages a core dump leaves out", "[secret]") {
  base::SecretBytes secret = base::SecretBytes::CopyOf("a master key of thirty-two bytes");
  REQUIRE(secret.size() == 32);
  CHECK(secret == "a master key of thirty-two bytes");
  CHECK(ExcludedFromCoreDumps(secret.data()));
  // The control: ordinary heap memory is dumped, so the probe can say no.
  std::string ordinary(100000, 'x');
  CHECK_FALSE(ExcludedFromCoreDumps(ordinary.data()));
}

TEST_CASE("secret bytes move their pages and leave nothing behind", "[secret]") {
  base::SecretBytes first = base::SecretBytes::CopyOf("private key PEM");
  const char* pages = first.data();
  base::SecretBytes second = std::move(first);
  CHECK(second.data() == pages);
  CHECK(second == "private key PEM");
  CHECK(first.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(first.data() == nullptr);
}

TEST_CASE("shrinking secret bytes wipes the bytes cut off", "[secret]") {
  base::SecretBytes secret = base::SecretBytes::CopyOf("keep|drop");
  secret.Shrink(4);
  CHECK(secret == "keep");
  // The pages stay mapped until the buffer goes, so the cut bytes can be read.
  CHECK(std::string(secret.data() + 4, 5) == std::string(5, '\0'));
}

TEST_CASE("an empty secret owns no pages", "[secret]") {
  base::SecretBytes none(0);
  CHECK(none.empty());
  CHECK(none.data() == nullptr);
  CHECK(none == "");
}

}  // namespace
