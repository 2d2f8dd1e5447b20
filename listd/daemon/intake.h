// Intake: the LMTP server's Handler. It answers each RCPT by whether the
// address is one of a list's (service/list_address.h) and commits each
// post to the spool (service/spool.h) before anyone is told 250.
//
// STANDARDS
//   RFC 2033 section 4.2 (LMTP: one reply per recipient after DATA, and 2xx
//   only once the message is safe), RFC 3463 (enhanced status codes).
// ADDRESSES
//   list@, list-request@, list-join@, list-leave@, list-owner@,
//   list-confirm+TOKEN@ and list-bounces@ with VERP (list-bounces+user=host@);
//   anything else is 550 5.1.1. Local parts compare case-insensitively for
//   the suffixes.
// CONTRACT
//   All of a DATA's recipients are spooled in one transaction, one post per
//   list address (service/spool.h): an address given twice, or in another
//   case, is one post, and each of its RCPTs is answered 250 with that
//   post (RFC 2033 section 4.2: one reply per RCPT). A store
//   failure answers 451 4.3.0 to every recipient (the MTA retries, nothing
//   is lost). `spooled` is called after each commit, to wake the pipeline.
//   Thread-safety: Intake serialises its use of its Store with a mutex, so
//   the LMTP server may call it from every connection at once.
#ifndef LISTD_LISTD_DAEMON_INTAKE_H_
#define LISTD_LISTD_DAEMON_INTAKE_H_

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/key_resolver.h"
#include "listd/lmtp/handler.h"
#include "storage/store.h"

namespace listd::daemon {

class Intake : public lmtp::Handler {
 public:
  // `store` is used under the Intake's mutex only; `spooled` may be empty.
  Intake(storage::Store& store, std::function<void(size_t posts)> spooled,
         dkim::Clock now = dkim::SystemNow);

  lmtp::Reply CheckRecipient(std::string_view mail_from, std::string_view recipient) override;
  std::vector<lmtp::Reply> Deliver(const lmtp::Envelope& envelope, std::string message) override;

 private:
  std::mutex mutex_;
  storage::Store& store_;
  std::function<void(size_t posts)> spooled_;
  dkim::Clock now_;
};

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_INTAKE_H_
