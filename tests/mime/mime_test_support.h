// Helpers for mime_tests: readable CRLF fixtures and a GMime-based reader
// that proves a decorated message parses and every part decodes.
#ifndef LISTD_TESTS_MIME_MIME_TEST_SUPPORT_H_
#define LISTD_TESTS_MIME_MIME_TEST_SUPPORT_H_

#include <string>
#include <string_view>
#include <vector>

namespace listd::mime::testing {

// `lf_text` with every LF turned into CRLF (fixtures are written with \n).
std::string Crlf(std::string_view lf_text);

// One leaf part as a reader sees it.
struct DecodedPart {
  std::string mime_type;  // "text/plain"
  std::string charset;    // "" if none
  std::string bytes;      // transfer encoding undone
  std::string utf8;       // text parts: bytes converted from charset to UTF-8
  bool decoded_ok;        // charset conversion worked (always true for non-text)
};

// Every leaf part of `message`, depth first. Fails the test if GMime
// cannot parse it.
std::vector<DecodedPart> LeafParts(const std::string& message);

// The round-trip property: GMime parses the message, every part decodes,
// every line ends in CRLF and is at most 998 bytes (RFC 5322 §2.1.1).
void CheckRoundTrip(const std::string& message);

// The header section (up to and including the empty line's CRLF).
std::string HeaderOf(const std::string& message);

// The raw lines of the header ("Name: value" and continuation lines).
std::vector<std::string> HeaderLines(const std::string& message);

// The decoded (RFC 2047) Subject of `message`, as UTF-8.
std::string DecodedSubject(const std::string& message);

}  // namespace listd::mime::testing

#endif  // LISTD_TESTS_MIME_MIME_TEST_SUPPORT_H_
