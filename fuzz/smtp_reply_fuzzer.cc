// Fuzz target: the SMTP reply reader (listd/delivery/smtp_dialogue.h),
// which pairs what a smarthost answers with the commands listd sent and so
// decides which member's RCPT was refused with what. The input, cut at
// 0x01, alternates server bytes and client bytes, server first.
//
// Properties: no RCPT slot without a RCPT line sent; a reply code is the three
// digits its last line starts with, or 0; and the pairing does not depend
// on how each side's bytes were cut into reads (each piece fed whole, and
// fed one byte at a time, give the same replies).
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "listd/delivery/smtp_dialogue.h"

namespace {

using listd::delivery::SmtpDialogue;
using listd::delivery::SmtpReply;

bool Same(const std::optional<SmtpReply>& a, const std::optional<SmtpReply>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->code == b->code && a->text == b->text);
}

bool Same(const SmtpDialogue& a, const SmtpDialogue& b) {
  if (a.rcpts().size() != b.rcpts().size()) return false;
  for (size_t i = 0; i < a.rcpts().size(); ++i) {
    if (!Same(a.rcpts()[i], b.rcpts()[i])) return false;
  }
  return Same(a.greeting(), b.greeting()) && Same(a.auth(), b.auth()) && Same(a.mail(), b.mail()) &&
         Same(a.data(), b.data()) && Same(a.data_end(), b.data_end()) && Same(a.last(), b.last()) &&
         Same(a.closing(), b.closing());
}

void CheckReply(const std::optional<SmtpReply>& r) {
  if (!r) return;
  listd_fuzz::Check(r->code >= 0 && r->code <= 999, "a code is three digits or 0");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  const std::vector<std::string_view> pieces = listd_fuzz::Pieces(listd_fuzz::Text(data, size));
  SmtpDialogue whole;
  SmtpDialogue trickle;
  size_t rcpt_lines = 0;
  std::string client_partial;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool server = i % 2 == 0;
    std::string_view piece = pieces[i];
    if (server) {
      whole.OnServerBytes(piece);
      for (char c : piece) trickle.OnServerBytes(std::string_view(&c, 1));
    } else {
      whole.OnClientBytes(piece);
      for (char c : piece) trickle.OnClientBytes(std::string_view(&c, 1));
      // Count the complete RCPT lines sent, as the reader should.
      client_partial += piece;
      size_t nl;
      while ((nl = client_partial.find('\n')) != std::string::npos) {
        std::string_view line(client_partial.data(), nl);
        if (line.size() >= 8) {
          std::string head(line.substr(0, 8));
          for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          if (head == "RCPT TO:") ++rcpt_lines;
        }
        client_partial.erase(0, nl + 1);
      }
    }
  }
  Check(Same(whole, trickle), "the pairing does not depend on how the bytes were read");
  CheckReply(whole.greeting());
  CheckReply(whole.last());
  for (const auto& r : whole.rcpts()) CheckReply(r);
  Check(whole.rcpts().size() <= rcpt_lines, "no RCPT slot without a RCPT line");
  return 0;
}
