// NAME
//   smtp_dialogue - pair an SMTP client's commands with the server's replies.
//
// STANDARDS
//   RFC 5321 section 4.2 (replies: three digits, "-" on all lines of a
//   multi-line reply but the last), 4.1.1.4 (DATA: 354, then one reply to
//   the end of the mail data), 3.8 (421 closes the service); RFC 2920
//   (pipelining keeps replies in command order); RFC 4954 section 4 (AUTH:
//   334 asks for one more client line, then 235 or a failure).
//
// LIMITS
//   None of its own: it holds the replies of one transaction. Lines are
//   split at LF; a trailing CR is dropped.
#include "listd/delivery/smtp_dialogue.h"

#include <cctype>

namespace listd::delivery {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Calls `on_line` for every complete line in `partial` + `bytes`, keeping
// the unfinished rest in `partial`.
template <typename F>
void SplitLines(std::string& partial, std::string_view bytes, F on_line) {
  partial.append(bytes);
  size_t start = 0;
  for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(partial.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
  }
  partial.erase(0, start);
}

}  // namespace

void SmtpDialogue::OnClientBytes(std::string_view bytes) {
  SplitLines(client_partial_, bytes, [this](std::string_view line) { OnClientLine(line); });
}

void SmtpDialogue::OnServerBytes(std::string_view bytes) {
  SplitLines(server_partial_, bytes, [this](std::string_view line) { OnServerLine(line); });
}

void SmtpDialogue::OnClientLine(std::string_view line) {
  if (auth_continues_ || StartsWithNoCase(line, "AUTH ")) {
    auth_continues_ = false;
    waiting_.emplace_back(Step::kAuth, 0);
  } else if (StartsWithNoCase(line, "MAIL FROM:")) {
    waiting_.emplace_back(Step::kMail, 0);
  } else if (StartsWithNoCase(line, "RCPT TO:")) {
    waiting_.emplace_back(Step::kRcpt, rcpts_.size());
    rcpts_.emplace_back();
  } else if (line.size() == 4 && StartsWithNoCase(line, "DATA")) {
    waiting_.emplace_back(Step::kData, 0);
  } else {
    waiting_.emplace_back(Step::kOther, 0);
  }
}

void SmtpDialogue::OnServerLine(std::string_view line) {
  bool has_code = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                  std::isdigit(static_cast<unsigned char>(line[1])) &&
                  std::isdigit(static_cast<unsigned char>(line[2]));
  if (!reply_text_.empty()) reply_text_ += '\n';
  reply_text_.append(line);
  if (has_code && line.size() > 3 && line[3] == '-') return;  // more lines follow

  SmtpReply reply;
  reply.code = has_code ? (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0') : 0;
  reply.text = std::move(reply_text_);
  reply_text_.clear();
  ++replies_;
  last_ = reply;
  if (reply.code == 421 && !closing_) closing_ = reply;

  if (waiting_.empty()) {
    if (!greeting_) greeting_ = reply;
    return;
  }
  auto [step, index] = waiting_.front();
  waiting_.pop_front();
  switch (step) {
    case Step::kAuth:
      if (reply.code == 334) {
        auth_continues_ = true;
      } else {
        auth_ = std::move(reply);
      }
      break;
    case Step::kMail:
      mail_ = std::move(reply);
      break;
    case Step::kRcpt:
      rcpts_[index] = std::move(reply);
      break;
    case Step::kData:
      // The end of the mail data is not a command line curl shows; expect
      // its reply now, ahead of anything sent later.
      if (reply.code == 354) waiting_.emplace_front(Step::kDataEnd, 0);
      data_ = std::move(reply);
      break;
    case Step::kDataEnd:
      data_end_ = std::move(reply);
      break;
    case Step::kOther:
      break;
  }
}

SmtpDialogue::Awaiting SmtpDialogue::awaiting() const {
  // Nothing sent yet: a new connection waits for its greeting; a reused
  // one (whose greeting an earlier transfer saw) waits for nothing until
  // curl sends MAIL, which this cannot tell apart, so both count as setup.
  if (waiting_.empty()) return greeting_ || replies_ > 0 ? Awaiting::kNothing : Awaiting::kSetup;
  switch (waiting_.front().first) {
    case Step::kMail:
      return Awaiting::kMail;
    case Step::kRcpt:
      return Awaiting::kRcpt;
    case Step::kData:
      return Awaiting::kData;
    case Step::kDataEnd:
      return Awaiting::kDataEnd;
    case Step::kAuth:
    case Step::kOther:
      break;
  }
  return Awaiting::kSetup;
}

}  // namespace listd::delivery
