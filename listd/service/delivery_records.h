// Delivery records: what one attempt at a delivery batch came to, written
// in one transaction: every recipient refused at RCPT is a bounce (an
// event, and the failure scored through bounce_scoring.h, the same path a
// returned DSN takes, which may disable the member), and the batch is
// either done or keeps the recipients still to try, with the time of the
// next attempt. A refusal of the message
// itself (a 5xx to MAIL FROM, DATA or the end of data: the smarthost's
// verdict on the sender or the content) scores no member: the batch is
// parked with its recipients and the post held for its owners with the
// smarthost's reason (storage/held_repository.h kind refused), and a
// "delivery.refused" event says how many recipients wait. An owner releases
// or drops them (moderation.h).
//
// Thread-safety: as the Store passed in.
#ifndef LISTD_LISTD_SERVICE_DELIVERY_RECORDS_H_
#define LISTD_LISTD_SERVICE_DELIVERY_RECORDS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

// One attempt at one batch, as the delivery worker judged it.
struct DeliveryAttempt {
  int64_t batch_id = 0;
  int64_t post_id = 0;
  std::vector<std::string> deferred;                         // still to send
  std::vector<std::pair<std::string, std::string>> bounced;  // recipient, why
  std::vector<std::string> refused;  // recipients the message was refused for
  std::string refusal;               // the smarthost's reply, when refused is not empty
  int64_t retry_at = 0;              // when deferred is not empty
  std::string error;                 // the transaction-level problem, if any
};

// Records `attempt` at `now` for `actor` ("listd").
base::Status RecordDeliveryAttempt(storage::Store& store, const std::string& actor,
                                   const DeliveryAttempt& attempt, int64_t now);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_DELIVERY_RECORDS_H_
