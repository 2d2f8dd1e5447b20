// BanService: bans of addresses and domains, per list or site-wide, as the
// operations every face shares (listctl ban, later the REST API), and the
// question the subscription service asks before anyone joins.
//
// Contract:
// - A list is named by address (list_lookup.h: invalid, not_found); no
//   list (std::nullopt) means the site-wide bans.
// - A pattern is an exact address, "*@domain" or "*@*.domain" (its
//   subdomains), storage/ban_repository.h; anything else is kind invalid.
// - Every write is one transaction holding the change and its event
//   ("ban.add", "ban.remove"; a site-wide ban's event has no list).
// - A pattern banned twice in one scope is kind conflict; lifting a ban
//   that is not there is kind not_found.
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_SERVICE_BAN_SERVICE_H_
#define LISTD_LISTD_SERVICE_BAN_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "storage/ban_repository.h"
#include "storage/store.h"

namespace listd::service {

class BanService {
 public:
  // `actor` is recorded with every event, e.g. "listctl:root".
  BanService(storage::Store& store, std::string actor) : store_(store), actor_(std::move(actor)) {}

  // Bans `pattern` on `list` (site-wide when absent) for `reason`.
  base::Result<storage::BanRecord> AddBan(std::optional<std::string_view> list,
                                          std::string_view pattern, const std::string& reason,
                                          int64_t now);
  // Lifts the ban of `pattern` (any case) on `list` or site-wide.
  base::Status RemoveBan(std::optional<std::string_view> list, std::string_view pattern,
                         int64_t now);
  // The bans of `list`, or the site's, oldest first.
  base::Result<std::vector<storage::BanRecord>> ListBans(std::optional<std::string_view> list);
  // The pattern that bans `address` from list `list_id` (the list's own
  // ban first, then the site's), or none.
  base::Result<std::optional<std::string>> Banned(int64_t list_id,
                                                  const base::EmailAddress& address);

 private:
  storage::Store& store_;
  std::string actor_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_BAN_SERVICE_H_
