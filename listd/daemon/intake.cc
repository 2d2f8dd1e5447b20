// Intake (see intake.h).
#include "listd/daemon/intake.h"

#include <utility>

#include "listd/service/list_address.h"
#include "listd/service/spool.h"

namespace listd::daemon {

Intake::Intake(storage::Store& store, std::function<void(size_t)> spooled, dkim::Clock now)
    : store_(store), spooled_(std::move(spooled)), now_(std::move(now)) {}

lmtp::Reply Intake::CheckRecipient(std::string_view, std::string_view recipient) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto resolved = service::ResolveListAddress(store_, recipient);
  if (!resolved) return {451, "4.3.0", "cannot look up the address now; try again later"};
  if (!*resolved) return {550, "5.1.1", "<" + std::string(recipient) + ">: no such list address"};
  return {250, "2.1.5", "OK"};
}

std::vector<lmtp::Reply> Intake::Deliver(const lmtp::Envelope& envelope, std::string message) {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto spooled =
        service::SpoolPost(store_, envelope.mail_from, envelope.recipients, message, now_());
    if (!spooled) {
      return std::vector<lmtp::Reply>(
          envelope.recipients.size(),
          lmtp::Reply{451, "4.3.0", "cannot store the message now: " + spooled.error()});
    }
    ids = std::move(*spooled);
  }
  if (spooled_) spooled_(ids.size());
  std::vector<lmtp::Reply> replies;
  for (int64_t id : ids) replies.push_back({250, "2.0.0", "queued as post " + std::to_string(id)});
  return replies;
}

}  // namespace listd::daemon
