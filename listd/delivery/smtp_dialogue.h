// SmtpDialogue: follows an SMTP client's side of the conversation, as
// libcurl's debug callback shows it, and pairs every command with its
// reply. libcurl says only whether a transfer as a whole worked; this is
// how listd learns which recipient was refused, with which reply.
//
// Pairing is first-in first-out: each command line sent expects exactly one
// reply (RFC 5321 section 4.2), so it stays right even if commands were
// pipelined (RFC 2920, which curl does not use for SMTP). A reply that
// arrives while no command waits is the greeting. After a 354 to DATA, the
// next reply answers the end of the mail data (section 4.1.1.4). An AUTH
// exchange (RFC 4954 section 4) is one command and, after each 334
// challenge, one more client line; its last reply is auth().
//
// Thread-safety: none; one per transfer.
#ifndef LISTD_LISTD_DELIVERY_SMTP_DIALOGUE_H_
#define LISTD_LISTD_DELIVERY_SMTP_DIALOGUE_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace listd::delivery {

// One complete reply: its code and its text, lines joined by "\n", without
// the final CRLF (e.g. "550 5.1.1 no such user").
struct SmtpReply {
  int code = 0;
  std::string text;
};

class SmtpDialogue {
 public:
  // Bytes the client sent as commands (curl's CURLINFO_HEADER_OUT).
  void OnClientBytes(std::string_view bytes);
  // Bytes the server sent (curl's CURLINFO_HEADER_IN).
  void OnServerBytes(std::string_view bytes);

  // The replies seen so far; absent when the command was never answered.
  const std::optional<SmtpReply>& greeting() const { return greeting_; }
  // The reply that ended the AUTH exchange (235, 535, ...), not a 334.
  const std::optional<SmtpReply>& auth() const { return auth_; }
  const std::optional<SmtpReply>& mail() const { return mail_; }
  // One per RCPT command sent, in order; the reply is absent if none came.
  const std::vector<std::optional<SmtpReply>>& rcpts() const { return rcpts_; }
  const std::optional<SmtpReply>& data() const { return data_; }
  const std::optional<SmtpReply>& data_end() const { return data_end_; }
  // The last complete reply to anything, a 421 included.
  const std::optional<SmtpReply>& last() const { return last_; }
  // The first reply with code 421 (service closing, section 3.8), if any.
  const std::optional<SmtpReply>& closing() const { return closing_; }

  // What the client waits for now: nothing, the setup (the greeting, EHLO,
  // STARTTLS, AUTH, or any other command), or the reply to MAIL, RCPT,
  // DATA, or the end of the data (kDataEnd: from the 354 on, while the
  // message is sent and after).
  enum class Awaiting { kNothing, kSetup, kMail, kRcpt, kData, kDataEnd };
  Awaiting awaiting() const;
  // How many complete replies came so far; each one begins a new wait.
  size_t replies() const { return replies_; }

 private:
  enum class Step { kOther, kAuth, kMail, kRcpt, kData, kDataEnd };
  void OnClientLine(std::string_view line);
  void OnServerLine(std::string_view line);

  std::string client_partial_, server_partial_;
  std::deque<std::pair<Step, size_t>> waiting_;  // step, RCPT index
  std::string reply_text_;                       // lines of a multi-line reply so far
  std::optional<SmtpReply> greeting_, auth_, mail_, data_, data_end_, last_, closing_;
  bool auth_continues_ = false;  // a 334 came: the next client line is AUTH's
  size_t replies_ = 0;
  std::vector<std::optional<SmtpReply>> rcpts_;
};

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_SMTP_DIALOGUE_H_
