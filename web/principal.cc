// Principal (see principal.h).
#include "web/principal.h"

#include "base/ascii.h"

namespace web {

bool Principal::May(std::string_view list, ListRole needed) const {
  if (site_admin) return true;
  auto found = roles.find(base::LowerAscii(list));
  if (found == roles.end()) return false;
  return needed == ListRole::kModerator || found->second == ListRole::kOwner;
}

bool Principal::MayOnPath(const std::map<std::string, std::string>& path, ListRole needed) const {
  auto list = path.find("list");
  if (list == path.end()) return site_admin;
  return May(list->second, needed);
}

std::string_view ToString(ListRole role) {
  return role == ListRole::kOwner ? "owner" : "moderator";
}

}  // namespace web
