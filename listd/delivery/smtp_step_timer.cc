// NAME
//   smtp_step_timer - one timeout per step of an SMTP transaction.
//
// STANDARDS
//   RFC 5321 section 4.5.3.2: 4.5.3.2.1 (the greeting, 5 min), .2 (MAIL,
//   5 min), .3 (RCPT, 5 min), .4 (DATA initiation, 2 min), .5 (a data
//   block, 3 min), .6 (DATA termination, 10 min).
//
// LIMITS
//   As precise as the caller's calls: the transport checks every 200 ms
//   while curl waits without blocking, and about once a second while curl
//   blocks for the reply to the final dot.
#include "listd/delivery/smtp_step_timer.h"

namespace listd::delivery {

std::optional<std::string> SmtpStepTimer::Check(const SmtpDialogue& dialogue, uint64_t uploaded,
                                                bool upload_done, Clock::time_point now) {
  using Awaiting = SmtpDialogue::Awaiting;
  const Awaiting awaiting = dialogue.awaiting();
  const bool final_reply = awaiting == Awaiting::kDataEnd && upload_done;
  if (!started_ || awaiting != awaiting_ || dialogue.replies() != replies_ ||
      final_reply != upload_done_ || uploaded != uploaded_) {
    started_ = true;
    awaiting_ = awaiting;
    replies_ = dialogue.replies();
    upload_done_ = final_reply;
    uploaded_ = uploaded;
    since_ = now;
    return std::nullopt;
  }
  std::chrono::seconds limit{0};
  const char* what = "";
  switch (awaiting) {
    case Awaiting::kNothing:
      return std::nullopt;
    case Awaiting::kSetup:
      limit = timeouts_.connect;
      what = "no reply during the connection's setup (greeting, EHLO, STARTTLS, AUTH) within ";
      break;
    case Awaiting::kMail:
      limit = timeouts_.mail;
      what = "no reply to MAIL FROM within ";
      break;
    case Awaiting::kRcpt:
      limit = timeouts_.rcpt;
      what = "no reply to RCPT TO within ";
      break;
    case Awaiting::kData:
      limit = timeouts_.data_init;
      what = "no reply to DATA within ";
      break;
    case Awaiting::kDataEnd:
      limit = final_reply ? timeouts_.data_end : timeouts_.data_block;
      what = final_reply ? "no reply to the end of DATA within "
                         : "the message data moved no byte for ";
      break;
  }
  if (now - since_ < limit) return std::nullopt;
  return std::string(what) + std::to_string(limit.count()) + " s";
}

}  // namespace listd::delivery
