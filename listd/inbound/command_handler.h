// CommandHandler: mail to list-request@, commands in its Subject and the
// first text lines of its body (command_parser.h): join/subscribe
// [address=ADDR], leave/unsubscribe, confirm TOKEN, help, end. Each command
// goes to the subscription service as it would from any face; the mail
// gets one reply listing each command and what came of it.
//
// Who asks: a join without address= is for the From address, proven when
// the mail authenticates it (command_support.h); a join for another
// address is never proven (that address must confirm); a leave is always
// for the From address.
//
// Contract: the commands, the reply and the mail's outcome commit in one
// transaction; a command that cannot be done (a template that does not
// render) is answered as such, the others still done. Mail that must not
// be answered (answer_guard.h) is recorded and nothing is done; a mail
// whose request hit the hourly caps gets no reply (the caps stop mail).
//
// LIMITS
//   at most kMaxCommandLines (10) command lines are read; the reply says
//   when there were more.
#ifndef LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_
#define LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_

#include "listd/inbound/command_support.h"
#include "listd/inbound/handler.h"

namespace listd::inbound {

class CommandHandler : public Handler {
 public:
  explicit CommandHandler(CommandServices services) : services_(services) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  CommandServices services_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_
