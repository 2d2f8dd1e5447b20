// BounceHandler (see bounce_handler.h).
#include "listd/inbound/bounce_handler.h"

namespace listd::inbound {

base::Result<service::PostOutcome> BounceHandler::Handle(service::PostInHand& post,
                                                         const std::string&) {
  const std::string& who = post.address.verp_recipient;
  return outcomes_.Record(post,
                          "bounce for " +
                              (who.empty() ? std::string("an unnamed recipient") : who) +
                              " recorded (scoring comes with bounce processing)",
                          "bounce.received");
}

}  // namespace listd::inbound
