// BounceHandler: mail to list-bounces@ (VERP: list-bounces+alice=example.org@;
// a probe's: list-bounces+probe.TOKEN@). The bounce parser
// (bounce_parser.h) reads it, the bounce service (service/bounce_service.h)
// decides what it does to which member, and the post is recorded with
// that sentence and kept in the spool, whatever it was: a bounce is never
// answered (RFC 3464 section 2, RFC 5321 section 4.5.5: mail to a null or
// bounce address gets no reply).
#ifndef LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_
#define LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_

#include "listd/inbound/handler.h"
#include "listd/service/bounce_service.h"

namespace listd::inbound {

class BounceHandler : public Handler {
 public:
  // `store`, `outcomes` and `bounces` must outlive the handler.
  BounceHandler(storage::Store& store, service::PostOutcomes& outcomes,
                service::BounceService& bounces)
      : store_(store), outcomes_(outcomes), bounces_(bounces) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  storage::Store& store_;
  service::PostOutcomes& outcomes_;
  service::BounceService& bounces_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_BOUNCE_HANDLER_H_
