// PostHandler: a post to the list's own address. The admit stage
// (pipeline/admit.h: loops, bans, size, author, authenticated identity,
// moderated members, posting policy) decides, and the
// verdict becomes the outcome: accepted posts are decorated, signed,
// sealed and queued for the members; the others are held, rejected (the
// envelope sender gets a notice) or discarded.
#ifndef LISTD_LISTD_INBOUND_POST_HANDLER_H_
#define LISTD_LISTD_INBOUND_POST_HANDLER_H_

#include "listd/inbound/handler.h"
#include "storage/store.h"

namespace listd::inbound {

class PostHandler : public Handler {
 public:
  PostHandler(storage::Store& store, service::PostOutcomes& outcomes)
      : store_(store), outcomes_(outcomes) {}
  base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                            const std::string& recorded) override;

 private:
  storage::Store& store_;
  service::PostOutcomes& outcomes_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_POST_HANDLER_H_
