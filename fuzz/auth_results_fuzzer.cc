// Fuzz target: the Authentication-Results parser (dkim/auth_results.h,
// RFC 8601), which reads fields that arrive with a post (some trusted,
// some to strip). What parses is written back with the writer and must
// parse again to the same authserv-id, methods, results and properties:
// listd writes these fields itself and the next hop must read them. (The
// writer drops control characters other than TAB from quoted-strings, as
// auth_results.cc says: none can be written there, even escaped; the
// parser reads obsolete ones, RFC 5322 section 4.1. So values compare
// without them.)
#include <string>
#include <string_view>

#include "dkim/auth_results.h"
#include "fuzz_input.h"

namespace {

std::string WithoutControls(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\t' || (u >= 0x20 && u != 0x7f)) out += c;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  auto parsed = dkim::ParseAuthenticationResults(listd_fuzz::Text(data, size));
  if (!parsed.ok()) {
    Check(!parsed.error().empty(), "a refused field says why");
    return 0;
  }
  const std::string field = dkim::FormatAuthenticationResults(*parsed);
  const std::string_view prefix = "Authentication-Results:";
  Check(field.compare(0, prefix.size(), prefix) == 0, "the writer writes the field name");
  Check(field.size() >= 2 && field.compare(field.size() - 2, 2, "\r\n") == 0,
        "the field ends in CRLF");
  Check(listd_fuzz::CrlfOnly(field), "the written field has CRLF line ends only");
  std::string_view value(field);
  value.remove_prefix(prefix.size());
  value.remove_suffix(2);
  auto again = dkim::ParseAuthenticationResults(value);
  Check(again.ok(), "what the writer writes parses");
  Check(again->authserv_id == WithoutControls(parsed->authserv_id), "the authserv-id survives");
  Check(again->results.size() == parsed->results.size(), "every result survives");
  for (size_t i = 0; i < parsed->results.size(); ++i) {
    const dkim::AuthResult& a = parsed->results[i];
    const dkim::AuthResult& b = again->results[i];
    Check(a.method == b.method && a.result == b.result, "method and result survive");
    Check(a.properties.size() == b.properties.size(), "every property survives");
    for (size_t k = 0; k < a.properties.size(); ++k) {
      Check(a.properties[k].first == b.properties[k].first &&
                WithoutControls(a.properties[k].second) == b.properties[k].second,
            "property names and values survive");
    }
  }
  return 0;
}
