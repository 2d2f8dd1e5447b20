// Finding lists (see list_lookup.h).
#include "listd/service/list_lookup.h"

#include <set>
#include <string>

#include "base/ascii.h"

namespace listd::service {

base::Error NoSuchList(const base::EmailAddress& address) {
  return base::NotFound("no list " + address.ToString());
}

base::Result<base::EmailAddress> ParseListAddress(std::string_view text) {
  base::Result<base::EmailAddress> address = base::EmailAddress::Parse(text);
  if (!address) return base::Invalid("invalid list address: " + address.error());
  return address;
}

base::Result<storage::ListRecord> FindList(storage::Store& store, std::string_view text) {
  base::Result<base::EmailAddress> address = ParseListAddress(text);
  if (!address) return address.failure();
  auto found = store.lists().Find(*address);
  if (!found) return found.failure();
  if (!*found) return NoSuchList(*address);
  return std::move(**found);
}

base::Result<FoundList> FindListWithSettings(storage::Store& store, std::string_view text) {
  base::Result<storage::ListRecord> list = FindList(store, text);
  if (!list) return list.failure();
  auto in_force = settings::LoadListSettings(store, *list);
  if (!in_force) return in_force.failure();
  return FoundList{std::move(*list), std::move(*in_force)};
}

base::Result<std::vector<std::string>> AllSigningDomains(storage::Store& store) {
  auto lists = store.lists().All();
  if (!lists) return lists.failure();
  std::set<std::string> domains;
  for (const storage::ListRecord& list : *lists) {
    auto in_force = settings::LoadListSettings(store, list);
    if (!in_force) return in_force.failure();
    domains.insert(base::LowerAscii(in_force->signing_domain()));
  }
  return std::vector<std::string>(domains.begin(), domains.end());
}

base::Result<std::vector<std::string>> AddressesWithRoles(
    storage::Store& store, int64_t list_id, const std::vector<storage::MemberRole>& roles) {
  std::vector<std::string> addresses;
  for (storage::MemberRole role : roles) {
    storage::MemberFilter filter;
    filter.role = role;
    base::Status listed =
        store.members().ForEach(list_id, filter, [&](const storage::MemberRecord& member) {
          addresses.push_back(member.address.ToString());
          return true;
        });
    if (!listed) return listed.failure();
  }
  return addresses;
}

}  // namespace listd::service
