// BanService over the Store's ban repository (see ban_service.h).
#include "listd/service/ban_service.h"

#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

// The list a scope names, or none for the site.
base::Result<std::optional<storage::ListRecord>> Scope(storage::Store& store,
                                                       std::optional<std::string_view> list) {
  if (!list) return std::optional<storage::ListRecord>();
  auto found = FindList(store, *list);
  if (!found) return found.failure();
  return std::optional<storage::ListRecord>(std::move(*found));
}

std::optional<int64_t> IdOf(const std::optional<storage::ListRecord>& list) {
  if (!list) return std::nullopt;
  return list->id;
}

std::string Where(const std::optional<storage::ListRecord>& list) {
  return list ? "on " + list->address.ToString() : std::string("site-wide");
}

}  // namespace

base::Result<storage::BanRecord> BanService::AddBan(std::optional<std::string_view> list,
                                                    std::string_view pattern,
                                                    const std::string& reason, int64_t now) {
  auto scope = Scope(store_, list);
  if (!scope) return scope.failure();
  auto normal = storage::NormalizeBanPattern(pattern);
  if (!normal) return normal.failure();
  for (char c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return base::Invalid("a ban's reason is one line of text without control characters");
    }
  }
  const std::string what = "banning " + *normal + " " + Where(*scope);
  return InTransaction<storage::BanRecord>(store_, what, [&]() -> base::Result<storage::BanRecord> {
    auto id = store_.bans().Add(IdOf(*scope), *normal, reason, now);
    if (!id) return id.failure();
    base::Status recorded = store_.events().Record(
        now, actor_, IdOf(*scope), "ban.add",
        "banned " + *normal + " " + Where(*scope) + (reason.empty() ? "" : ": " + reason));
    if (!recorded) return recorded.failure();
    return storage::BanRecord{*id, IdOf(*scope), *normal, reason, now};
  });
}

base::Status BanService::RemoveBan(std::optional<std::string_view> list, std::string_view pattern,
                                   int64_t now) {
  auto scope = Scope(store_, list);
  if (!scope) return scope.failure();
  auto normal = storage::NormalizeBanPattern(pattern);
  if (!normal) return normal.failure();
  const std::string what = "lifting the ban of " + *normal + " " + Where(*scope);
  auto done = InTransaction<bool>(store_, what, [&]() -> base::Result<bool> {
    auto removed = store_.bans().Remove(IdOf(*scope), *normal);
    if (!removed) return removed.failure();
    if (!*removed) return base::NotFound(*normal + " is not banned " + Where(*scope));
    base::Status recorded =
        store_.events().Record(now, actor_, IdOf(*scope), "ban.remove",
                               "lifted the ban of " + *normal + " " + Where(*scope));
    if (!recorded) return recorded.failure();
    return true;
  });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<std::vector<storage::BanRecord>> BanService::ListBans(
    std::optional<std::string_view> list) {
  auto scope = Scope(store_, list);
  if (!scope) return scope.failure();
  return store_.bans().List(IdOf(*scope));
}

base::Result<std::optional<std::string>> BanService::Banned(int64_t list_id,
                                                            const base::EmailAddress& address) {
  auto ban = store_.bans().Match(list_id, address);
  if (!ban) return ban.failure();
  if (!*ban) return std::optional<std::string>();
  return std::optional<std::string>((*ban)->pattern);
}

}  // namespace listd::service
