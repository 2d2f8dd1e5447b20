// Principal: who an HTTP request acts for, once its API token, its session
// cookie, or nothing at all was checked (web/access_operations.h makes
// them). The router asks May() before any list-scoped operation, so a
// token or a login for one list cannot touch another.
//
// List addresses compare without regard to case (DESIGN: decisions), so
// `roles` is keyed by the address in lower case.
#ifndef LISTD_WEB_PRINCIPAL_H_
#define LISTD_WEB_PRINCIPAL_H_

#include <map>
#include <string>
#include <string_view>

namespace web {

// The role a list-scoped operation needs; an owner may do what a moderator
// may.
enum class ListRole { kModerator, kOwner };

struct Principal {
  // Recorded with every event the request causes: "api:token-3",
  // "web:alice@example.org".
  std::string actor;
  // The address a login belongs to ("" for an API token).
  std::string user;
  // A site administrator may do everything, on every list.
  bool site_admin = false;
  // list address (lower case) -> its role there.
  std::map<std::string, ListRole> roles;

  // Whether this principal may act on `list` with at least `needed`.
  bool May(std::string_view list, ListRole needed) const;
  // Whether it may act with at least `needed` on the list a route's path
  // names as {list}; a route with no {list} is a site admin's.
  bool MayOnPath(const std::map<std::string, std::string>& path, ListRole needed) const;
  // Whether it may see `list` at all (any role, or site admin).
  bool Sees(std::string_view list) const { return May(list, ListRole::kModerator); }
};

// "owner" | "moderator".
std::string_view ToString(ListRole role);

}  // namespace web

#endif  // LISTD_WEB_PRINCIPAL_H_
