// CommandHandler: mail to list-request@, list-join@, list-leave@ and
// list-confirm[+TOKEN]@ is kept in the spool and recorded as received; the
// commands themselves (subscribe, confirm, leave, help) come with the
// subscriptions work, as files beside this one.
#ifndef LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_
#define LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_

#include "listd/inbound/handler.h"

namespace listd::inbound {

class CommandHandler : public Handler {
 public:
  explicit CommandHandler(service::PostOutcomes& outcomes) : outcomes_(outcomes) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  service::PostOutcomes& outcomes_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_COMMAND_HANDLER_H_
