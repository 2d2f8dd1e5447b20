// STANDARDS: RFC 5321 §4.2 (reply lines), RFC 3463 §2 (enhanced status code
//   syntax class.subject.detail), RFC 2034 §3 (code after the basic code).
// LIMITS: reply text is cut to 400 bytes so a line stays well under the
//   512-octet reply limit of RFC 5321 §4.5.3.1.5.
#include "listd/lmtp/reply.h"

#include <cstddef>
#include <string_view>

namespace listd::lmtp {
namespace {

constexpr std::size_t kMaxTextBytes = 400;

bool IsDigits(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// RFC 3463 §2: class "." subject "." detail; class is 2, 4 or 5, subject 1-3
// digits, detail 1-3 digits.
bool IsEnhancedCode(std::string_view code, int expected_class) {
  if (code.size() < 5 || code[0] != static_cast<char>('0' + expected_class) || code[1] != '.') {
    return false;
  }
  std::string_view rest = code.substr(2);
  std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return false;
  return IsDigits(rest.substr(0, dot), 3) && IsDigits(rest.substr(dot + 1), 3);
}

}  // namespace

Reply Sanitize(Reply reply) {
  if (reply.code < 200 || reply.code > 599 || reply.code / 100 == 3) {
    // 3xx is the session's alone (354); a handler never continues a dialogue.
    return Reply{451, "4.3.0", "Internal error: handler gave an invalid reply code"};
  }
  int reply_class = reply.code / 100;
  if (!IsEnhancedCode(reply.enhanced, reply_class)) {
    reply.enhanced = std::to_string(reply_class) + ".0.0";
  }
  if (reply.text.size() > kMaxTextBytes) reply.text.resize(kMaxTextBytes);
  for (char& c : reply.text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  if (reply.text.empty()) reply.text = reply_class == 2 ? "OK" : "Failed";
  return reply;
}

std::string FormatReply(const Reply& reply) {
  Reply clean = Sanitize(reply);
  std::string line = std::to_string(clean.code);
  line += ' ';
  line += clean.enhanced;
  line += ' ';
  line += clean.text;
  line += "\r\n";
  return line;
}

}  // namespace listd::lmtp
