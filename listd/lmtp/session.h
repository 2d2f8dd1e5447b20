// Session: the LMTP protocol state machine of one connection, without
// sockets (RFC 2033 on top of RFC 5321's commands).
//
// Feed it what the client sent, it returns the bytes to write back:
//   Session s(handler, options, "192.0.2.1:4711");
//   write(s.Greeting());
//   while (!s.closed()) write(s.OnBytes(read()));
// OnBytes assembles lines and so handles any number of pipelined commands
// in one read (RFC 2920), and a line split over several reads; it is the
// only door for bytes from the wire. OnLine takes exactly one line without
// its line end and is the unit-test door. Replies come back in command
// order.
//
// LINES (RFC 5321 section 2.3.8: a line ends in CRLF, and "conforming
// implementations MUST NOT recognize ... any other character or character
// sequence as a line terminator"):
// - In the data (after 354) only CRLF ends a line, and only the line "."
//   between two CRLFs ends the data (section 4.1.1.4). A bare CR or LF is
//   data: it is stored as CRLF (so the handler sees CRLF only), but it
//   never ends a line, so a "." next to one is neither the end of the data
//   nor transparency, and what follows it is never a command. Transparency
//   (section 4.5.2) removes the first "." of a CRLF line only.
// - A command line also ends in CRLF only. A bare LF in one is answered
//   "421 4.5.2" and the session closes: taking it for a line end would let
//   us and the client (or an MTA relaying someone else's bytes) disagree
//   on where lines end, which is the smuggling class of bug, and with
//   pipelining it would shift every later reply onto the wrong command;
//   keeping it inside the line would leave a client that meant a line end
//   waiting without a word. 421 makes an MTA keep the mail and retry.
//   A bare CR stays in the line, whose parsers refuse control bytes.
// - DATA ends a pipelined group (RFC 2920 section 3.1): a client must wait
//   for its 354. When DATA is refused and bytes already follow it in the
//   same read, they are message data the client sent blindly; they are
//   not run as commands: "421 4.5.0" and close.
//
// States: before LHLO -> ready -> MAIL given -> DATA (collecting lines until
// ".") -> ready. The handler is called from inside OnBytes/OnLine.
//
// Thread-safety: one Session is used by one thread at a time; the Handler
// it calls must itself be thread-safe (handler.h).
#ifndef LISTD_LISTD_LMTP_SESSION_H_
#define LISTD_LISTD_LMTP_SESSION_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "listd/lmtp/handler.h"

namespace listd::lmtp {

// Bytes of message data that all sessions sharing it may hold at once, so
// that many connections each in the middle of a large message cannot
// exhaust memory whatever max_connections is. Thread-safe.
class DataBudget {
 public:
  explicit DataBudget(std::size_t limit) : limit_(limit) {}
  // Takes `bytes` and returns true, or takes nothing and returns false when
  // they would pass the limit.
  bool Take(std::size_t bytes);
  // Gives back `bytes` taken before.
  void Give(std::size_t bytes) { used_.fetch_sub(bytes); }
  // Bytes taken now.
  std::size_t used() const { return used_.load(); }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

// The limits and name a session runs with (defaults as in server.h).
struct SessionOptions {
  std::string hostname = "listd";
  std::size_t max_message_bytes = 25 * 1024 * 1024;  // advertised as SIZE (RFC 1870)
  std::size_t max_recipients = 1000;                 // RCPTs accepted per transaction
  std::size_t max_line_bytes = 1000;                 // command line, CRLF excluded
  // Shared by the sessions of a server; null: no limit but the size. A
  // message that finds it spent is read to its end, then 452 4.3.1 for
  // every recipient (the MTA tries again later).
  std::shared_ptr<DataBudget> data_budget;
  // One line per transaction event; must be thread-safe. Empty: no logging.
  std::function<void(std::string_view)> log;
};

class Session {
 public:
  // `client` is the peer's "ip:port", copied into every Envelope.
  Session(Handler& handler, SessionOptions options, std::string client = "");
  ~Session();  // gives back what the message in hand took of the budget
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The 220 greeting to send when the connection opens.
  std::string Greeting() const;

  // Consumes raw bytes from the client; returns every reply they caused.
  std::string OnBytes(std::string_view bytes);

  // Consumes one complete line (without its CRLF); returns its reply, or ""
  // while collecting message lines.
  std::string OnLine(std::string_view line);

  // True after QUIT: the caller writes the last reply and closes.
  bool closed() const { return closed_; }
  // True between the 354 and the final "." (shutdown lets this finish).
  bool in_data() const { return state_ == State::kData; }
  // True from an accepted MAIL until the transaction ends.
  bool in_transaction() const { return state_ == State::kMail || state_ == State::kData; }
  // How many complete lines (commands and data, CRLF-ended) OnBytes has
  // taken; the server times each line by it (server.h).
  std::uint64_t lines_received() const { return lines_received_; }
  // Bytes held of a line that has not ended yet: at most one 64 KiB piece
  // (and a CR) inside DATA, max_line_bytes (and a CR) for a command.
  std::size_t buffered_bytes() const { return pending_.size(); }

 private:
  enum class State { kStart, kReady, kMail, kData };

  std::string OnCommand(std::string_view line);
  std::string CloseForBareLf();
  std::string OnDataLine(std::string_view line);
  void AppendDataLine(std::string_view line);
  void AppendNormalised(std::string_view bytes);
  void AppendData(std::string_view bytes);
  void ReleaseMessage();
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
  bool over_budget_ = false;      // the shared DataBudget was spent
  std::size_t budget_taken_ = 0;  // what message_ holds of it

  // Line assembly for OnBytes.
  std::string pending_;           // bytes after the last CRLF (a CR at its end kept)
  bool discarding_line_ = false;  // a command line overran; drop until CRLF
  bool discarded_cr_ = false;     // the last byte dropped was a CR
  bool data_mid_line_ = false;    // part of a long data line was flushed
  bool data_refused_ = false;     // the last command was a DATA that was refused
  std::uint64_t lines_received_ = 0;
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_SESSION_H_
