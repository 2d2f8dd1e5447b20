// Text lines (listd/inbound/text_lines.h): the one-line form every
// recogniser gives outside text before keeping it.
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <string_view>

#include "listd/inbound/text_lines.h"

namespace {

using listd::inbound::SafeLine;

// A buffer of `readable` bytes of `fill` followed by a page that cannot
// be read: a function that touches a byte past `readable` crashes.
class FencedText {
 public:
  FencedText(size_t readable, char fill) {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    pages_ = (readable + page - 1) / page + 1;
    size_ = pages_ * page;
    base_ = static_cast<char*>(
        ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(base_ != MAP_FAILED);
    REQUIRE(::mprotect(base_ + (pages_ - 1) * page, page, PROT_NONE) == 0);
    begin_ = base_ + (pages_ - 1) * page - readable;
    std::memset(begin_, fill, readable);
    readable_ = readable;
  }
  ~FencedText() { ::munmap(base_, size_); }
  FencedText(const FencedText&) = delete;
  FencedText& operator=(const FencedText&) = delete;

  // The readable bytes and, as far as the view claims, `beyond` more.
  std::string_view View(size_t beyond) const { return {begin_, readable_ + beyond}; }

 private:
  char* base_ = nullptr;
  char* begin_ = nullptr;
  size_t pages_ = 0;
  size_t size_ = 0;
  size_t readable_ = 0;
};

TEST_CASE("text lines: a safe line reads no further into its text than its result needs",
          "[text_lines]") {
  // A bounce can hand over megabytes as one candidate's diagnostic, and a
  // recogniser makes a safe line of each candidate: reading all of it each
  // time made a 131 KB bounce take 25 s (bounce_fuzzer's timeout).
  FencedText text(4096, 'a');
  const std::string line = SafeLine(text.View(4096), 300);
  CHECK(line == std::string(297, 'a') + "...");
}

TEST_CASE(
    "text lines: a safe line is the whole text when it fits, blanks trimmed and tabs made "
    "spaces",
    "[text_lines]") {
  CHECK(SafeLine("  5.1.1\tuser unknown  ", 300) == "5.1.1 user unknown");
  CHECK(SafeLine(std::string(300, 'x'), 300) == std::string(300, 'x'));
  CHECK(SafeLine(std::string(301, 'x'), 300) == std::string(297, 'x') + "...");
  // Trailing blanks past the limit do not make a line too long.
  CHECK(SafeLine(std::string(300, 'x') + std::string(50, ' '), 300) == std::string(300, 'x'));
  // Control bytes go, a byte that is not UTF-8 becomes U+FFFD.
  CHECK(SafeLine("a\r\nb\x1b[0m\xff", 300) == "ab[0m\xEF\xBF\xBD");
}

}  // namespace
