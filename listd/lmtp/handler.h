// Handler: the seam between the LMTP protocol and listd's intake.
//
// The session parses the protocol; the handler decides. It is asked once per
// RCPT TO whether that recipient is accepted, and once per finished DATA to
// store the message and answer for every accepted recipient (RFC 2033 §4.2:
// one reply per successful RCPT, in RCPT order).
//
// Contract:
// - Thread-safety: the server calls one Handler from every connection
//   thread at once; implementations MUST be thread-safe.
// - Deliver must not answer 2xx for a recipient before the message is
//   durably stored for it: the MTA deletes its copy on 250.
// - Exceptions thrown by a handler are caught by the session and turned into
//   451 4.3.0 temporary failures, but a handler should return errors as
//   replies rather than throw.
#ifndef LISTD_LISTD_LMTP_HANDLER_H_
#define LISTD_LISTD_LMTP_HANDLER_H_

#include <string>
#include <string_view>
#include <vector>

namespace listd::lmtp {

// One SMTP reply: basic code (RFC 5321 §4.2), enhanced code (RFC 3463) and text.
// Example: {250, "2.1.5", "OK"}. An empty `enhanced` is filled in by class.
struct Reply {
  int code = 0;
  std::string enhanced;
  std::string text;
};

// The envelope of one mail transaction.
struct Envelope {
  std::string mail_from;                // "" for the null reverse-path <>
  std::vector<std::string> recipients;  // accepted recipients, RCPT order
  std::string client;                   // peer "ip:port" ("[ip]:port" for IPv6)
  std::string helo;                     // the LHLO argument
};

// Implemented by listd's intake; see the contract above.
class Handler {
 public:
  virtual ~Handler() = default;
  // RCPT TO: accepts (2xx) or refuses (4xx/5xx) one recipient address, already
  // stripped of <> and parameters.
  virtual Reply CheckRecipient(std::string_view mail_from, std::string_view recipient) = 0;
  // After the final ".": one reply per accepted recipient, in RCPT order.
  // `message` has CRLF line ends and is dot-unstuffed. A vector of the wrong
  // length is padded with 451 4.3.0 (never a silent 250).
  virtual std::vector<Reply> Deliver(const Envelope& envelope, std::string message) = 0;
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_HANDLER_H_
