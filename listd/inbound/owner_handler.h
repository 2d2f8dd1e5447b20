// OwnerHandler: mail to list-owner@ goes to the list's owners and
// moderators as it arrived, with our Authentication-Results on top, neither
// decorated nor signed by the list (it is not list traffic). A list with
// neither holds it.
#ifndef LISTD_LISTD_INBOUND_OWNER_HANDLER_H_
#define LISTD_LISTD_INBOUND_OWNER_HANDLER_H_

#include "listd/inbound/handler.h"

namespace listd::inbound {

class OwnerHandler : public Handler {
 public:
  explicit OwnerHandler(service::PostOutcomes& outcomes) : outcomes_(outcomes) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override {
    return outcomes_.Forward(post, recorded);
  }

 private:
  service::PostOutcomes& outcomes_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_OWNER_HANDLER_H_
