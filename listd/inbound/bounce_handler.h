// BounceHandler: mail to list-bounces@ (a VERP address names the member:
// list-bounces+alice=example.org@) is recorded as a bounce event for that
// member and kept in the spool. Reading the report (RFC 3464 DSNs, the
// formats MTAs send, ARF complaints) and scoring come with bounce
// processing, in files beside this one.
#ifndef LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_
#define LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_

#include "listd/inbound/handler.h"

namespace listd::inbound {

class BounceHandler : public Handler {
 public:
  explicit BounceHandler(service::PostOutcomes& outcomes) : outcomes_(outcomes) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  service::PostOutcomes& outcomes_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_
