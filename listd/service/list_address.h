// List addresses: which list and which of its addresses a recipient local
// part names. Pure: no storage; the caller checks which candidate exists.
//
// A list "demo" answers at:
//   demo                       post to the list            kPost
//   demo-request               commands by mail            kRequest
//   demo-join / demo-leave     subscribe / unsubscribe     kJoin / kLeave
//   demo-owner                 the list's owners           kOwner
//   demo-bounces               bounces                     kBounces
//   demo-bounces+alice=example.org   VERP bounce for alice@example.org
//   demo-bounces+probe.TOKEN   the bounce of a bounce probe (its token)
//   demo-confirm+TOKEN         a reply to a confirmation   kConfirm
// (the Mailman/mlmmj conventions: <list>-bounces+<member local>=<member
// domain>, and the token after the '+' of -confirm).
//
// Decisions:
// - A list may itself be named "foo-request", so a local part can mean more
//   than one thing. ClassifyLocalPart returns every reading, most specific
//   first ("demo-request" -> {demo, kRequest}, then {demo-request, kPost});
//   the caller takes the first whose list exists.
// - Suffixes match case-insensitively, and list_local_part is returned in
//   lower case (list names compare case-insensitively); verp_recipient keeps
//   the member's case, since a local part may be case-sensitive.
// - In a VERP local part the member's domain follows the LAST "=" (a domain
//   holds no "="; a local part may). A "-bounces+" part with no usable
//   "local=domain" is still a bounce for the list, with verp_recipient "".
// - A VERP or confirmation reading is the only one returned: "+" does not
//   occur in list names, so there is no post reading of "demo-bounces+x".
//   The token keeps its case (tokens are base64url).
//
// ResolveListAddress() is the one way from a recipient address to the list
// and role it names: the intake's RCPT check and the router both use it.
#ifndef LISTD_LISTD_SERVICE_LIST_ADDRESS_H_
#define LISTD_LISTD_SERVICE_LIST_ADDRESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace storage {
class Store;
}

namespace listd::service {

enum class AddressRole { kPost, kRequest, kJoin, kLeave, kOwner, kBounces, kConfirm };

struct ListAddress {
  std::string list_local_part;  // lower case, e.g. "demo"
  AddressRole role = AddressRole::kPost;
  std::string verp_recipient;  // kBounces with VERP: "alice@example.org"; else ""
  std::string confirm_token;   // kConfirm: what follows "-confirm+"; else ""
  std::string probe_token;     // kBounces for a probe, "-bounces+probe.TOKEN"; else ""
};

// Every reading of `local_part`, most specific first; empty for "".
std::vector<ListAddress> ClassifyLocalPart(std::string_view local_part);

// "post", "request", "join", "leave", "owner", "bounces", "confirm".
std::string_view ToString(AddressRole role);

// A recipient that is one of a list's addresses.
struct ResolvedAddress {
  int64_t list_id = 0;
  ListAddress address;
};

// Which list address `recipient` is, if any (nullopt for no list's, and for
// anything that is not an address); an error only when the store fails.
base::Result<std::optional<ResolvedAddress>> ResolveListAddress(storage::Store& store,
                                                                std::string_view recipient);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_LIST_ADDRESS_H_
