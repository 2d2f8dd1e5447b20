// JoinLeaveHandler: mail to list-join@ asks to subscribe its From address,
// mail to list-leave@ to unsubscribe it (RFC 2369 section 3.3 and 3.2:
// List-Subscribe and List-Unsubscribe name these addresses). Subject and
// body are not read. Whether a confirmation is needed is the list's policy
// and whether the mail proves its From (subscription_service.h).
//
// The confirmation, welcome or goodbye is the answer; a reply
// (command_support.h) goes to the return path only for what none of those
// says: banned, waiting for a moderator, nothing to do. So a request for
// someone else's address tells the requester nothing of the roster. A
// request past the hourly caps gets no mail at all (the caps are there to
// stop mail).
//
// Contract: as command_handler.h.
#ifndef LISTD_LISTD_INBOUND_JOIN_LEAVE_HANDLER_H_
#define LISTD_LISTD_INBOUND_JOIN_LEAVE_HANDLER_H_

#include "listd/inbound/command_support.h"
#include "listd/inbound/handler.h"

namespace listd::inbound {

class JoinLeaveHandler : public Handler {
 public:
  explicit JoinLeaveHandler(CommandServices services) : services_(services) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  CommandServices services_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_JOIN_LEAVE_HANDLER_H_
