// SpoolPost (see spool.h).
#include "listd/service/spool.h"

#include "dkim/message.h"
#include "listd/service/list_address.h"

namespace listd::service {

base::Result<std::vector<int64_t>> SpoolPost(storage::Store& store,
                                             const std::string& envelope_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& message, int64_t now) {
  std::string crlf_message = message;
  dkim::NormalizeLineEndings(crlf_message);
  storage::Transaction transaction = store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  std::vector<int64_t> ids;
  for (const std::string& recipient : recipients) {
    auto resolved = ResolveListAddress(store, recipient);
    if (!resolved) return resolved.failure();
    if (!*resolved) return base::Invalid("<" + recipient + "> is no list address");
    storage::SpooledPost post;
    post.list_id = (*resolved)->list_id;
    post.envelope_from = envelope_from;
    post.recipient = recipient;
    post.message = crlf_message;
    post.received_at = now;
    auto id = store.spool().Add(post);
    if (!id) return id.failure();
    ids.push_back(*id);
  }
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return ids;
}

}  // namespace listd::service
