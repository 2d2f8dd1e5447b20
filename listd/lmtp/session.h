// Session: the LMTP protocol state machine of one connection, without
// sockets (RFC 2033 on top of RFC 5321's commands).
//
// Feed it what the client sent, it returns the bytes to write back:
//   Session s(handler, options, "192.0.2.1:4711");
//   write(s.Greeting());
//   while (!s.closed()) write(s.OnBytes(read()));
// OnBytes splits lines (CRLF or a bare LF, RFC 5321 §2.3.8 tolerance) and so
// handles any number of pipelined commands in one read (RFC 2920), and a
// line split over several reads; OnLine takes exactly one line without its
// line end and is the unit-test door. Replies come back in command order.
//
// States: before LHLO -> ready -> MAIL given -> DATA (collecting lines until
// ".") -> ready. The handler is called from inside OnBytes/OnLine.
//
// Thread-safety: one Session belongs to one thread; the Handler it calls
// must itself be thread-safe (handler.h).
#ifndef LISTD_LISTD_LMTP_SESSION_H_
#define LISTD_LISTD_LMTP_SESSION_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "listd/lmtp/handler.h"

namespace listd::lmtp {

// The limits and name a session runs with (defaults as in server.h).
struct SessionOptions {
  std::string hostname = "listd";
  std::size_t max_message_bytes = 25 * 1024 * 1024;  // advertised as SIZE (RFC 1870)
  std::size_t max_recipients = 1000;                 // RCPTs accepted per transaction
  std::size_t max_line_bytes = 1000;                 // command line, CRLF excluded
  // One line per transaction event; must be thread-safe. Empty: no logging.
  std::function<void(std::string_view)> log;
};

class Session {
 public:
  // `client` is the peer's "ip:port", copied into every Envelope.
  Session(Handler& handler, SessionOptions options, std::string client = "");

  // The 220 greeting to send when the connection opens.
  std::string Greeting() const;

  // Consumes raw bytes from the client; returns every reply they caused.
  std::string OnBytes(std::string_view bytes);

  // Consumes one complete line (without CRLF/LF); returns its reply, or ""
  // while collecting message lines.
  std::string OnLine(std::string_view line);

  // True after QUIT: the caller writes the last reply and closes.
  bool closed() const { return closed_; }
  // True between the 354 and the final "." (shutdown lets this finish).
  bool in_data() const { return state_ == State::kData; }
  // True from an accepted MAIL until the transaction ends.
  bool in_transaction() const { return state_ == State::kMail || state_ == State::kData; }

 private:
  enum class State { kStart, kReady, kMail, kData };

  std::string OnCommand(std::string_view line);
  std::string OnDataLine(std::string_view line);
  void AppendData(std::string_view bytes);
  std::string FinishData();
  std::string Lhlo(std::string_view args);
  std::string Mail(std::string_view args);
  std::string Rcpt(std::string_view args);
  std::string Data(std::string_view args);
  void ResetTransaction();
  void Log(std::string_view line) const;

  Handler& handler_;
  SessionOptions options_;
  std::string client_;
  std::string helo_;
  State state_ = State::kStart;
  bool closed_ = false;

  // The transaction.
  std::string mail_from_;
  std::vector<std::string> recipients_;
  std::string message_;
  bool too_large_ = false;

  // Line assembly for OnBytes.
  std::string pending_;           // bytes after the last LF
  bool discarding_line_ = false;  // a command line overran; drop until LF
  bool data_mid_line_ = false;    // part of a long data line was flushed
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_SESSION_H_
