// The LMTP session state machine.
//
// STANDARDS:
//   RFC 2033 §4.1 LHLO instead of HELO/EHLO (HELO/EHLO answered 500 5.5.1),
//            §4.2 after DATA one reply per accepted RCPT, in RCPT order;
//            DATA with no accepted RCPT is 503.
//   RFC 5321 §4.1.1 commands (MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY),
//            §4.1.1.11 unknown MAIL/RCPT parameters 555,
//            §4.1.2 source routes accepted and ignored,
//            §4.1.4 command order (503 out of sequence),
//            §4.1.1.4 the data end at <CRLF>.<CRLF> and nowhere else,
//            §4.5.2 dot-stuffing (the first "." of a CRLF line removed; "."
//            alone between CRLFs ends DATA),
//            §4.5.3.1 line and path limits, §2.3.8 lines end in CRLF only:
//            a bare CR or LF in the data is data, stored as CRLF; a bare LF
//            in a command line is 421 4.5.2 and a close (session.h, LINES).
//   RFC 1870 SIZE (advertised; MAIL SIZE= over the limit is 552 5.3.4).
//   RFC 6152 8BITMIME (BODY=7BIT|8BITMIME; bytes are passed through).
//   RFC 2034, RFC 3463 ENHANCEDSTATUSCODES on every reply except the
//            greeting, the LHLO reply and 354 (there is no 3.x.x class).
//   RFC 2920 PIPELINING (any number of commands per read; replies in order;
//            §3.1 bytes after a refused DATA in the same read: 421 4.5.0).
// LIMITS (SessionOptions):
//   max_line_bytes     1000   command line without CRLF; longer: 500 5.5.6
//   max_message_bytes  25 MiB dot-unstuffed message with CRLFs; over it the
//                             data is read to the end and every recipient
//                             gets 552 5.3.4
//   max_recipients     1000   accepted RCPTs; more: 452 4.5.3
//   data_budget        none   message bytes all sessions hold at once (the
//                             server's: server.h); spent: read to the end,
//                             then 452 4.3.1 per recipient
//   path               256    octets with the <> (RFC 5321 §4.5.3.1.3)
//   data line                 no limit on length (read in 64 KiB pieces)
#include "listd/lmtp/session.h"

#include <exception>
#include <optional>
#include <utility>

#include "base/ascii.h"
#include "listd/lmtp/reply.h"

namespace listd::lmtp {
namespace {

constexpr std::size_t kDataChunkBytes = 64 * 1024;
constexpr std::size_t kMaxPathBytes = 256;

std::string R(int code, std::string_view enhanced, std::string_view text) {
  return FormatReply(Reply{code, std::string(enhanced), std::string(text)});
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (base::LowerAscii(s[i]) != base::LowerAscii(prefix[i])) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Path {
  std::string address;      // without <>, source route dropped; "" for <>
  std::string_view params;  // what follows the ">", trimmed
};

// Parses "<addr> params" (RFC 5321 §4.1.2 Reverse-path / Forward-path).
// Liberal in one way only: spaces before the "<" are skipped, as many
// clients write "MAIL FROM: <a@b>".
std::optional<Path> ParsePath(std::string_view s) {
  s = TrimSpaces(s);
  if (s.empty() || s.front() != '<') return std::nullopt;
  bool in_quote = false;
  std::size_t close = std::string_view::npos;
  for (std::size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::nullopt;
    if (in_quote) {
      if (c == '\\') {
        // quoted-pair (RFC 5321 section 4.1.2): the next byte is literal,
        // but only %d32-126; a CR or NUL must not reach the envelope.
        ++i;
        if (i >= s.size()) return std::nullopt;
        auto next = static_cast<unsigned char>(s[i]);
        if (next < 0x20 || next == 0x7f) return std::nullopt;
      } else if (c == '"') {
        in_quote = false;
      }
      continue;
    }
    if (c == '"') {
      in_quote = true;
    } else if (c == ' ' || c == '\t') {
      return std::nullopt;
    } else if (c == '>') {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos || close + 1 > kMaxPathBytes) return std::nullopt;
  std::string_view inner = s.substr(1, close - 1);
  if (!inner.empty() && inner.front() == '@') {
    std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    inner.remove_prefix(colon + 1);
    if (inner.empty()) return std::nullopt;
  }
  std::string_view rest = s.substr(close + 1);
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  return Path{std::string(inner), TrimSpaces(rest)};
}

// Splits "A=1 B C=2" into its space-separated words.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  while (!(s = TrimSpaces(s)).empty()) {
    std::size_t end = s.find_first_of(" \t");
    words.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return words;
}

// Parses an RFC 1870 size-value; nullopt unless 1-20 digits. Values beyond
// size_t saturate, since any such value is over every limit.
std::optional<std::size_t> ParseSize(std::string_view digits) {
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  std::size_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    std::size_t d = static_cast<std::size_t>(c - '0');
    if (value > (SIZE_MAX - d) / 10) return SIZE_MAX;
    value = value * 10 + d;
  }
  return value;
}

}  // namespace

bool DataBudget::Take(std::size_t bytes) {
  std::size_t used = used_.load();
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

Session::Session(Handler& handler, SessionOptions options, std::string client)
    : handler_(handler), options_(std::move(options)), client_(std::move(client)) {}

Session::~Session() {
  if (options_.data_budget) options_.data_budget->Give(budget_taken_);
}

std::string Session::Greeting() const {
  return "220 " + options_.hostname + " LMTP listd ready\r\n";
}

std::string Session::OnBytes(std::string_view bytes) {
  std::string out;
  while (!bytes.empty() && !closed_) {
    const std::size_t lf = bytes.find('\n');
    if (lf == std::string_view::npos) {
      if (discarding_line_) {
        discarded_cr_ = bytes.back() == '\r';
      } else {
        pending_.append(bytes);
      }
      break;
    }
    // Only an LF right after a CR ends a line (RFC 5321 section 2.3.8); the
    // CR may have come in an earlier read.
    bool after_cr = false;
    if (lf > 0) {
      after_cr = bytes[lf - 1] == '\r';
    } else if (discarding_line_) {
      after_cr = discarded_cr_;
    } else {
      after_cr = !pending_.empty() && pending_.back() == '\r';
    }
    const std::string_view through_lf = bytes.substr(0, lf + 1);
    bytes.remove_prefix(lf + 1);
    if (!after_cr) {
      if (state_ != State::kData) {
        out += CloseForBareLf();
        break;
      }
      // Data: the bare LF belongs to the line (stored as CRLF later).
      pending_.append(through_lf);
      continue;
    }
    ++lines_received_;
    if (discarding_line_) {
      // The end of an overlong command line that was already answered.
      discarding_line_ = false;
      discarded_cr_ = false;
      continue;
    }
    pending_.append(through_lf.substr(0, lf));
    pending_.pop_back();  // the CR of the CRLF
    std::string line = std::move(pending_);
    pending_.clear();
    if (data_mid_line_) {
      // The end of a long data line whose start was already stored: no dot
      // handling, a "." here is not at the start of a line.
      data_mid_line_ = false;
      AppendDataLine(line);
      continue;
    }
    out += OnLine(line);
    if (data_refused_ && !bytes.empty() && !closed_) {
      // RFC 2920 section 3.1: DATA ends a group, so what follows a refused
      // DATA in the same read was sent without waiting for the reply: it
      // is message data, and must not run as commands.
      closed_ = true;
      Log("lmtp: client=" + client_ + " sent data before the reply to DATA; closing");
      out += R(421, "4.5.0",
               options_.hostname + " data sent before the reply to DATA (RFC 2920 section 3.1)");
    }
  }
  if (closed_) return out;
  // Bound the memory of a line that has not ended yet.
  if (state_ == State::kData) {
    if (pending_.size() > kDataChunkBytes) {
      // Keep a trailing CR back: it may be the first half of a CRLF.
      std::size_t keep = pending_.back() == '\r' ? 1 : 0;
      std::string_view piece(pending_.data(), pending_.size() - keep);
      if (!data_mid_line_ && !piece.empty() && piece.front() == '.') piece.remove_prefix(1);
      AppendNormalised(piece);
      pending_.erase(0, pending_.size() - keep);
      data_mid_line_ = true;
    }
  } else if (pending_.size() > options_.max_line_bytes + 1) {  // +1: a CR
    discarded_cr_ = pending_.back() == '\r';
    pending_.clear();
    discarding_line_ = true;
    out += R(500, "5.5.6", "Line too long");
  }
  return out;
}

std::string Session::CloseForBareLf() {
  closed_ = true;
  Log("lmtp: client=" + client_ + " sent a bare LF outside the data; closing");
  return R(
      421, "4.5.2",
      options_.hostname + " bare LF in a command line; lines end in CRLF (RFC 5321 section 2.3.8)");
}

std::string Session::OnLine(std::string_view line) {
  if (closed_) return "";
  if (state_ == State::kData) return OnDataLine(line);
  return OnCommand(line);
}

std::string Session::OnCommand(std::string_view line) {
  data_refused_ = false;
  if (line.size() > options_.max_line_bytes) return R(500, "5.5.6", "Line too long");
  line = TrimSpaces(line);
  std::size_t space = line.find(' ');
  std::string verb = base::LowerAscii(line.substr(0, space));
  std::string_view args =
      space == std::string_view::npos ? std::string_view() : TrimSpaces(line.substr(space + 1));

  if (verb == "lhlo") return Lhlo(args);
  if (verb == "helo" || verb == "ehlo") {
    return R(500, "5.5.1", "This is an LMTP server: use LHLO (RFC 2033)");
  }
  if (verb == "mail") return Mail(args);
  if (verb == "rcpt") return Rcpt(args);
  if (verb == "data") {
    std::string reply = Data(args);
    data_refused_ = state_ != State::kData;
    return reply;
  }
  if (verb == "rset") {
    if (!args.empty()) return R(501, "5.5.4", "Syntax: RSET");
    ResetTransaction();
    return R(250, "2.0.0", "OK");
  }
  if (verb == "noop") return R(250, "2.0.0", "OK");
  if (verb == "quit") {
    closed_ = true;
    return R(221, "2.0.0", options_.hostname + " closing connection");
  }
  if (verb == "vrfy") {
    if (args.empty()) return R(501, "5.5.4", "Syntax: VRFY address");
    return R(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
  }
  if (verb == "help") return R(214, "2.0.0", "Commands: LHLO MAIL RCPT DATA RSET NOOP VRFY QUIT");
  if (verb == "expn" || verb == "bdat" || verb == "starttls" || verb == "auth" || verb == "turn" ||
      verb == "etrn" || verb == "send" || verb == "soml" || verb == "saml") {
    return R(502, "5.5.1", "Command not implemented");
  }
  return R(500, "5.5.2", "Command unrecognized");
}

std::string Session::Lhlo(std::string_view args) {
  if (args.empty() || args.find(' ') != std::string_view::npos) {
    return R(501, "5.5.4", "Syntax: LHLO hostname");
  }
  // RFC 5321 §4.1.4: a repeated LHLO is a RSET as well.
  ResetTransaction();
  helo_ = std::string(args);
  state_ = State::kReady;
  Log("lmtp: client=" + client_ + " lhlo=" + helo_);
  return "250-" + options_.hostname + "\r\n" +
         "250-PIPELINING\r\n"
         "250-ENHANCEDSTATUSCODES\r\n"
         "250-8BITMIME\r\n"
         "250 SIZE " +
         std::to_string(options_.max_message_bytes) + "\r\n";
}

std::string Session::Mail(std::string_view args) {
  if (state_ == State::kStart) return R(503, "5.5.1", "Send LHLO first");
  if (state_ != State::kReady) return R(503, "5.5.1", "Nested MAIL command");
  if (!StartsWithNoCase(args, "from:")) return R(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  std::optional<Path> path = ParsePath(args.substr(5));
  if (!path) return R(501, "5.1.7", "Bad sender address syntax");
  for (std::string_view param : Words(path->params)) {
    std::size_t eq = param.find('=');
    std::string_view key = param.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    if (EqualsNoCase(key, "size")) {
      std::optional<std::size_t> size = ParseSize(value);
      if (!size) return R(501, "5.5.4", "Syntax: SIZE=<octets>");
      if (*size > options_.max_message_bytes) {
        return R(552, "5.3.4", "Message size exceeds fixed maximum message size");
      }
    } else if (EqualsNoCase(key, "body")) {
      if (!EqualsNoCase(value, "7bit") && !EqualsNoCase(value, "8bitmime")) {
        return R(501, "5.5.4", "Syntax: BODY=7BIT|8BITMIME");
      }
    } else {
      return R(555, "5.5.4", "MAIL parameter not recognized: " + std::string(key));
    }
  }
  mail_from_ = std::move(path->address);
  state_ = State::kMail;
  return R(250, "2.1.0", "Sender OK");
}

std::string Session::Rcpt(std::string_view args) {
  if (state_ == State::kStart) return R(503, "5.5.1", "Send LHLO first");
  if (state_ != State::kMail) return R(503, "5.5.1", "Need MAIL before RCPT");
  if (!StartsWithNoCase(args, "to:")) return R(501, "5.5.4", "Syntax: RCPT TO:<address>");
  std::optional<Path> path = ParsePath(args.substr(3));
  if (!path || path->address.empty()) return R(501, "5.1.3", "Bad recipient address syntax");
  if (!path->params.empty()) return R(555, "5.5.4", "RCPT parameters not recognized");
  if (recipients_.size() >= options_.max_recipients) {
    return R(452, "4.5.3", "Too many recipients");
  }
  Reply reply;
  try {
    reply = Sanitize(handler_.CheckRecipient(mail_from_, path->address));
  } catch (const std::exception& e) {
    Log("lmtp: client=" + client_ + " CheckRecipient threw: " + e.what());
    reply = Reply{451, "4.3.0", "Internal error checking recipient"};
  } catch (...) {
    reply = Reply{451, "4.3.0", "Internal error checking recipient"};
  }
  if (reply.code / 100 == 2) recipients_.push_back(std::move(path->address));
  return FormatReply(reply);
}

std::string Session::Data(std::string_view args) {
  if (!args.empty()) return R(501, "5.5.4", "Syntax: DATA");
  if (state_ == State::kStart) return R(503, "5.5.1", "Send LHLO first");
  if (state_ != State::kMail) return R(503, "5.5.1", "Need MAIL before DATA");
  if (recipients_.empty()) return R(503, "5.5.1", "No valid recipients");
  message_.clear();
  too_large_ = false;
  state_ = State::kData;
  return "354 Start mail input; end with <CRLF>.<CRLF>\r\n";
}

std::string Session::OnDataLine(std::string_view line) {
  if (line == ".") return FinishData();
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // RFC 5321 §4.5.2
  AppendDataLine(line);
  return "";
}

void Session::AppendDataLine(std::string_view line) {
  AppendNormalised(line);
  AppendData("\r\n");
}

void Session::AppendNormalised(std::string_view bytes) {
  if (bytes.find_first_of("\r\n") == std::string_view::npos) {
    AppendData(bytes);
    return;
  }
  // RFC 5321 section 2.3.8: a bare CR or LF is made a CRLF; one already
  // whole (only the OnLine door can pass one) stays as it is.
  std::string crlf;
  crlf.reserve(bytes.size() + 16);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c == '\r' || c == '\n') {
      crlf += "\r\n";
      if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
    } else {
      crlf += c;
    }
  }
  AppendData(crlf);
}

void Session::AppendData(std::string_view bytes) {
  if (too_large_ || over_budget_) return;
  if (message_.size() + bytes.size() > options_.max_message_bytes) {
    // Keep reading to the final "." (the client will not listen before it),
    // but stop holding the bytes.
    too_large_ = true;
    ReleaseMessage();
    return;
  }
  if (options_.data_budget) {
    if (!options_.data_budget->Take(bytes.size())) {
      over_budget_ = true;
      ReleaseMessage();
      return;
    }
    budget_taken_ += bytes.size();
  }
  message_.append(bytes);
}

void Session::ReleaseMessage() {
  std::string().swap(message_);
  if (options_.data_budget) options_.data_budget->Give(budget_taken_);
  budget_taken_ = 0;
}

std::string Session::FinishData() {
  std::string out;
  const std::size_t n = recipients_.size();
  std::string codes;
  if (too_large_) {
    for (std::size_t i = 0; i < n; ++i) {
      out += R(552, "5.3.4", "Message size exceeds fixed maximum message size");
    }
    codes = "552 (too large)";
  } else if (over_budget_) {
    for (std::size_t i = 0; i < n; ++i) {
      out += R(452, "4.3.1", "Insufficient system storage for the message now; try again later");
    }
    codes = "452 (data budget spent)";
  } else {
    std::size_t size = message_.size();
    Envelope envelope{mail_from_, recipients_, client_, helo_};
    std::vector<Reply> replies;
    try {
      replies = handler_.Deliver(envelope, std::move(message_));
    } catch (const std::exception& e) {
      Log("lmtp: client=" + client_ + " Deliver threw: " + e.what());
      replies.clear();
    } catch (...) {
      replies.clear();
    }
    if (replies.size() != n && !replies.empty()) {
      Log("lmtp: client=" + client_ + " Deliver gave " + std::to_string(replies.size()) +
          " replies for " + std::to_string(n) + " recipients");
    }
    replies.resize(n, Reply{451, "4.3.0", "Internal error: no delivery status"});
    for (const Reply& reply : replies) {
      std::string line = FormatReply(reply);
      out += line;
      if (!codes.empty()) codes += ',';
      codes += line.substr(0, 3);
    }
    codes += " size=" + std::to_string(size);
  }
  Log("lmtp: client=" + client_ + " from=<" + mail_from_ + "> rcpts=" + std::to_string(n) +
      " replies=" + codes);
  ResetTransaction();
  return out;
}

void Session::ResetTransaction() {
  mail_from_.clear();
  recipients_.clear();
  ReleaseMessage();
  too_large_ = false;
  over_budget_ = false;
  data_mid_line_ = false;
  if (state_ != State::kStart) state_ = State::kReady;
}

void Session::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

}  // namespace listd::lmtp
