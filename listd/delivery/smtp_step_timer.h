// SmtpStepTimer: tells when the step an SMTP transaction is in has taken
// longer than its own timeout (SmtpTimeouts: RFC 5321 section 4.5.3.2).
// libcurl has one reply timeout for every step; listd asks it for the
// longest and lets this timer end the shorter steps, so that the wait for
// the reply to the final dot can be ten minutes while a silent MAIL still
// fails after five.
//
// A step begins when what the dialogue awaits changes or a reply arrives;
// while the message is sent, every byte that moves begins the wait again
// (the data block timeout), and once all of it was handed to curl the wait
// for the final reply is bounded by data_end, counted from the last byte.
// Pure: the caller passes the time, so tests need no clock.
//
// Thread-safety: none; one per transfer.
#ifndef LISTD_LISTD_DELIVERY_SMTP_STEP_TIMER_H_
#define LISTD_LISTD_DELIVERY_SMTP_STEP_TIMER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "listd/delivery/smtp_dialogue.h"
#include "listd/delivery/transport.h"

namespace listd::delivery {

class SmtpStepTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SmtpStepTimer(const SmtpTimeouts& timeouts) : timeouts_(timeouts) {}

  // Where the transaction stands at `now`: what `dialogue` awaits, how many
  // bytes of the message went out (`uploaded`), and whether curl has taken
  // all of it (`upload_done`). Returns why the step ran out, or nullopt.
  std::optional<std::string> Check(const SmtpDialogue& dialogue, uint64_t uploaded,
                                   bool upload_done, Clock::time_point now);

 private:
  SmtpTimeouts timeouts_;
  bool started_ = false;
  SmtpDialogue::Awaiting awaiting_ = SmtpDialogue::Awaiting::kNothing;
  size_t replies_ = 0;
  bool upload_done_ = false;
  uint64_t uploaded_ = 0;
  Clock::time_point since_{};
};

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_SMTP_STEP_TIMER_H_
