// Intake (see intake.h).
#include "listd/daemon/intake.h"

#include "base/ascii.h"
#include "base/email_address.h"
#include "dkim/message.h"

namespace listd {

base::Result<std::optional<ResolvedAddress>> ResolveListAddress(storage::Store& store,
                                                                std::string_view address) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return std::optional<ResolvedAddress>();
  for (const lmtp::ListAddress& candidate : lmtp::ClassifyLocalPart(parsed->local_part)) {
    base::EmailAddress list;
    list.local_part = candidate.list_local_part;
    list.domain = base::LowerAscii(parsed->domain);
    auto found = store.lists().Find(list);
    if (!found) return base::Error{found.error()};
    if (*found) return std::optional<ResolvedAddress>(ResolvedAddress{(*found)->id, candidate.role});
  }
  return std::optional<ResolvedAddress>();
}

base::Result<std::vector<int64_t>> SpoolPost(storage::Store& store, const std::string& envelope_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& message, int64_t now) {
  // DESIGN.md: bare LF (a pipe transport's mail) becomes CRLF once, here;
  // everything after the spool reads CRLF bytes.
  std::string crlf_message = message;
  dkim::NormalizeLineEndings(crlf_message);
  storage::Transaction transaction(store.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  std::vector<int64_t> ids;
  for (const std::string& recipient : recipients) {
    auto resolved = ResolveListAddress(store, recipient);
    if (!resolved) return base::Error{resolved.error()};
    if (!*resolved) return base::Error{"<" + recipient + "> is no list address"};
    storage::SpooledPost post;
    post.list_id = (*resolved)->list_id;
    post.envelope_from = envelope_from;
    post.recipient = recipient;
    post.message = crlf_message;
    post.received_at = now;
    auto id = store.spool().Add(post);
    if (!id) return base::Error{id.error()};
    ids.push_back(*id);
  }
  base::Status committed = transaction.Commit();
  if (!committed) return base::Error{committed.error()};
  return ids;
}

Intake::Intake(storage::Store& store, std::function<void()> spooled, dkim::Clock now)
    : store_(store), spooled_(std::move(spooled)), now_(std::move(now)) {}

lmtp::Reply Intake::CheckRecipient(std::string_view, std::string_view recipient) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto resolved = ResolveListAddress(store_, recipient);
  if (!resolved) return {451, "4.3.0", "cannot look up the address now; try again later"};
  if (!*resolved) return {550, "5.1.1", "<" + std::string(recipient) + ">: no such list address"};
  return {250, "2.1.5", "OK"};
}

std::vector<lmtp::Reply> Intake::Deliver(const lmtp::Envelope& envelope, std::string message) {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto spooled = SpoolPost(store_, envelope.mail_from, envelope.recipients, message, now_());
    if (!spooled) {
      return std::vector<lmtp::Reply>(
          envelope.recipients.size(),
          lmtp::Reply{451, "4.3.0", "cannot store the message now: " + spooled.error()});
    }
    ids = std::move(*spooled);
  }
  if (spooled_) spooled_();
  std::vector<lmtp::Reply> replies;
  for (int64_t id : ids) replies.push_back({250, "2.0.0", "queued as post " + std::to_string(id)});
  return replies;
}

}  // namespace listd
