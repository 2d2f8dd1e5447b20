// ConfirmHandler: mail to list-confirm+TOKEN@, the Reply-To of every
// confirmation and moderator notice listd sends, so that a plain reply in
// any mail client answers it.
//
//   join/leave token       any mail there confirms it (the token reached
//                          the address's own mailbox: that is the proof)
//   moderate-join token    the reply's first line decides: approve |
//   moderate-post token    reject [reason] | discard (posts only); a reply
//                          without one approves nothing and gets help
//                          (moderation_reply.h)
//
// A moderator's reply is obeyed only when its From is a moderator or an
// owner of the list: the token is the secret, the From check defence in
// depth. A token that is unknown, malformed, expired, used or another
// list's gets a reply saying which, and changes nothing.
//
// Contract: as command_handler.h (one transaction for a subscription's
// confirmation, its mail and the outcome). Approving a post looks up DNS
// (its ARC chain's keys, its author's DMARC policy), so that one runs
// outside the mail's transaction: the token is used first, so a second
// reply cannot approve twice.
#ifndef LISTD_LISTD_INBOUND_CONFIRM_HANDLER_H_
#define LISTD_LISTD_INBOUND_CONFIRM_HANDLER_H_

#include <string>

#include "listd/inbound/command_support.h"
#include "listd/inbound/handler.h"

namespace listd::inbound {

class ConfirmHandler : public Handler {
 public:
  explicit ConfirmHandler(CommandServices services) : services_(services) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  CommandServices services_;
};

// A subscriber's "confirm TOKEN" (by -request or -confirm+TOKEN): what to
// tell them (a token that cannot be used is kNothingToDo, saying why).
// Only join and leave tokens are taken this way; an error is a store
// failure.
base::Result<service::RequestAnswer> ConfirmByToken(CommandServices& services,
                                                    service::PostInHand& post,
                                                    const std::string& token, int64_t now);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_CONFIRM_HANDLER_H_
