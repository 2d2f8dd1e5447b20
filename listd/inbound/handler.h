// Handler: what becomes of mail that reached one kind of list address.
// Each kind (a post, mail for the owners, a bounce, a command) is a
// Handler in a file of its own; the Router picks one by the address's
// role, after the post was authenticated and recorded.
//
// Contract: Handle() decides and commits the outcome through
// service::PostOutcomes (one transaction with its event); an error is a
// store failure, which leaves the post "received" to be tried again.
// Thread-safety: one handler per pipeline thread.
#ifndef LISTD_LISTD_INBOUND_HANDLER_H_
#define LISTD_LISTD_INBOUND_HANDLER_H_

#include <string>

#include "base/result.h"
#include "listd/service/post_outcomes.h"

namespace listd::inbound {

class Handler {
 public:
  virtual ~Handler() = default;
  // Decides what becomes of `post`; `recorded` is the post with our
  // Authentication-Results on top (pipeline/record.h).
  virtual base::Result<service::PostOutcome> Handle(service::PostInHand& post,
                                                    const std::string& recorded) = 0;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_HANDLER_H_
