// CommandHandler (see command_handler.h).
#include "listd/inbound/command_handler.h"

namespace listd::inbound {

base::Result<service::PostOutcome> CommandHandler::Handle(service::PostInHand& post,
                                                          const std::string&) {
  return outcomes_.Record(post,
                          "mail to the " + std::string(service::ToString(post.address.role)) +
                              " address is kept in the spool; commands are not handled yet",
                          "command.received");
}

}  // namespace listd::inbound
