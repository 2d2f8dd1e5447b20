// Finding the list an operation names: the one way from the address an
// admin typed (or a URL holds) to the list's record and its settings in
// force, with the errors every face shows the same way.
//
// Errors: an address that does not parse is kind invalid ("invalid list
// address: no '@' in 'demo'"), a list that does not exist kind not_found
// ("no list demo@lists.example.org"); anything else is the store's.
//
// Thread-safety: as the Store passed in.
#ifndef LISTD_LISTD_SERVICE_LIST_LOOKUP_H_
#define LISTD_LISTD_SERVICE_LIST_LOOKUP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "listd/settings/list_settings.h"
#include "storage/list_repository.h"
#include "storage/store.h"

namespace listd::service {

// The error for a list that does not exist: "no list demo@lists.example.org".
base::Error NoSuchList(const base::EmailAddress& address);

// `text` as a list address, or an invalid error saying why not.
base::Result<base::EmailAddress> ParseListAddress(std::string_view text);

// The list at `text`.
base::Result<storage::ListRecord> FindList(storage::Store& store, std::string_view text);

// A list with its settings in force.
struct FoundList {
  storage::ListRecord record;
  settings::ListSettings settings;
};

// The list at `text` and its settings.
base::Result<FoundList> FindListWithSettings(storage::Store& store, std::string_view text);

// The addresses of list `list_id`'s members whose role is one of `roles`,
// role by role in the order given, each role's in address order: who gets
// mail for the owners, a held post's notice, a subscription request.
base::Result<std::vector<std::string>> AddressesWithRoles(
    storage::Store& store, int64_t list_id, const std::vector<storage::MemberRole>& roles);

// Every list's signing domain, each once, lower case: the domains this
// host signs and seals as.
base::Result<std::vector<std::string>> AllSigningDomains(storage::Store& store);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_LIST_LOOKUP_H_
