// Intake: where posts enter listd, from the LMTP server or `listctl
// inject`. It decides which recipients are list addresses and commits each
// post to the spool before anyone is told 250.
//
// STANDARDS
//   RFC 2033 section 4.2 (LMTP: one reply per recipient after DATA, and 2xx
//   only once the message is safe), RFC 3463 (enhanced status codes),
//   RFC 5321 section 4.5.3.1 (size limits are the LMTP server's).
// ADDRESSES
//   list@, list-request@, list-join@, list-leave@, list-owner@ and
//   list-bounces@ with VERP (list-bounces+user=host@); anything else is
//   550 5.1.1. Local parts compare case-insensitively for the suffixes.
// CONTRACT
//   One spool row per accepted recipient, all of a DATA in one transaction;
//   a store failure answers 451 4.3.0 to every recipient (the MTA retries,
//   nothing is lost). `spooled` is called after each commit, to wake the
//   pipeline. Thread-safety: Intake serialises its use of its Store with a
//   mutex, so the LMTP server may call it from every connection at once.
#ifndef LISTD_LISTD_INTAKE_H_
#define LISTD_LISTD_INTAKE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "dkim/key_resolver.h"
#include "listd/lmtp/handler.h"
#include "listd/service/list_address.h"
#include "storage/store.h"

namespace listd {

// A recipient that is one of a list's addresses.
struct ResolvedAddress {
  int64_t list_id = 0;
  lmtp::AddressRole role = lmtp::AddressRole::kPost;
};

// Which list address `address` is, if any.
base::Result<std::optional<ResolvedAddress>> ResolveListAddress(storage::Store& store,
                                                                std::string_view address);

// Commits one spool row per recipient (each must resolve) in one
// transaction, with bare LF made CRLF; returns the post ids in recipient
// order.
base::Result<std::vector<int64_t>> SpoolPost(storage::Store& store, const std::string& envelope_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& message, int64_t now);

class Intake : public lmtp::Handler {
 public:
  // `store` is used under the Intake's mutex only; `spooled` may be empty.
  Intake(storage::Store& store, std::function<void()> spooled, dkim::Clock now = dkim::SystemNow);

  lmtp::Reply CheckRecipient(std::string_view mail_from, std::string_view recipient) override;
  std::vector<lmtp::Reply> Deliver(const lmtp::Envelope& envelope, std::string message) override;

 private:
  std::mutex mutex_;
  storage::Store& store_;
  std::function<void()> spooled_;
  dkim::Clock now_;
};

}  // namespace listd

#endif  // LISTD_LISTD_INTAKE_H_
