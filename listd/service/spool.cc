// SpoolPost (see spool.h).
#include "listd/service/spool.h"

#include <map>
#include <tuple>

#include "base/ascii.h"
#include "dkim/message.h"
#include "listd/service/list_address.h"

namespace listd::service {
namespace {

// What makes two recipients the same list address: the list, the role and
// what the role carries. The VERP member's domain has no case (RFC 5321
// section 2.4); its local part and a confirmation token keep theirs.
using AddressKey = std::tuple<int64_t, AddressRole, std::string, std::string>;

AddressKey KeyOf(const ResolvedAddress& resolved) {
  std::string verp = resolved.address.verp_recipient;
  const std::size_t at = verp.rfind('@');
  if (at != std::string::npos)
    verp = verp.substr(0, at + 1) + base::LowerAscii(verp.substr(at + 1));
  return {resolved.list_id, resolved.address.role, std::move(verp), resolved.address.confirm_token};
}

}  // namespace

base::Result<std::vector<int64_t>> SpoolPost(storage::Store& store,
                                             const std::string& envelope_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& message, int64_t now) {
  std::string crlf_message = message;
  dkim::NormalizeLineEndings(crlf_message);
  storage::Transaction transaction = store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  std::vector<int64_t> ids;
  std::map<AddressKey, int64_t> spooled;
  for (const std::string& recipient : recipients) {
    auto resolved = ResolveListAddress(store, recipient);
    if (!resolved) return resolved.failure();
    if (!*resolved) return base::Invalid("<" + recipient + "> is no list address");
    AddressKey key = KeyOf(**resolved);
    if (auto twin = spooled.find(key); twin != spooled.end()) {
      ids.push_back(twin->second);  // the same address again: the same post
      continue;
    }
    storage::SpooledPost post;
    post.list_id = (*resolved)->list_id;
    post.envelope_from = envelope_from;
    post.recipient = recipient;
    post.message = crlf_message;
    post.received_at = now;
    auto id = store.spool().Add(post);
    if (!id) return id.failure();
    spooled.emplace(std::move(key), *id);
    ids.push_back(*id);
  }
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return ids;
}

}  // namespace listd::service
