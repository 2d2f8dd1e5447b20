// ListService over the Store's repositories. Each write is one
// InTransaction; the repositories see it and do not begin their own, so
// the change and its event commit together or not at all.
#include "listd/service/list_service.h"

#include <map>
#include <set>

#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"
#include "listd/settings/catalogue.h"

namespace listd::service {

using base::Error;
using base::Result;
using base::Status;

namespace {

// The longest list name: enough for any real one, and far from the
// 998-byte line the List-Id and a munged From must fit in.
constexpr size_t kMaxListNameBytes = 200;

// A list's name reaches List-Id and, with DMARC mitigation, From: it must
// be one line of printable text (RFC 5322 section 3.2.5), UTF-8 when not
// ASCII (the header writer encodes it per RFC 2047).
base::Status CheckListName(std::string_view name) {
  if (name.size() > kMaxListNameBytes) {
    return base::Invalid("the list's name is longer than " + std::to_string(kMaxListNameBytes) +
                         " bytes");
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const auto u = static_cast<unsigned char>(name[i]);
    const bool c1 = u == 0xc2 && i + 1 < name.size() &&
                    static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(name[i + 1]) <= 0x9f;
    if (u < 0x20 || u == 0x7f || c1) {
      return base::Invalid(
          "the list's name holds a line break or control character; it would reach the List-Id "
          "field of every post");
    }
  }
  return base::Ok();
}

}  // namespace

Result<storage::ListRecord> ListService::FindList(std::string_view address) {
  return service::FindList(store_, address);
}

Result<storage::ListRecord> ListService::CreateList(std::string_view address,
                                                    const std::string& name,
                                                    const std::optional<std::string>& owner,
                                                    int64_t now) {
  Result<base::EmailAddress> parsed = ParseListAddress(address);
  if (!parsed) return parsed.failure();
  base::Status safe_name = CheckListName(name);
  if (!safe_name) return safe_name.failure();
  if (!name.empty()) parsed->display_name = name;
  std::optional<base::EmailAddress> owner_address;
  if (owner) {
    Result<base::EmailAddress> o = base::EmailAddress::Parse(*owner);
    if (!o) return base::Invalid("invalid owner address: " + o.error());
    owner_address = *o;
  }
  return InTransaction<storage::ListRecord>(
      store_, "creating list " + parsed->ToString(), [&]() -> Result<storage::ListRecord> {
        Result<storage::ListRecord> list = store_.lists().Create(*parsed, now);
        if (!list) return list;
        std::string detail = "created list " + list->address.ToString();
        if (!list->address.display_name.empty()) {
          detail += " named '" + list->address.display_name + "'";
        }
        if (owner_address) {
          Result<bool> added =
              store_.members().Add(list->id, *owner_address, storage::MemberRole::kOwner, now);
          if (!added) return added.failure();
          detail += " with owner " + owner_address->ToString();
        }
        Status recorded = store_.events().Record(now, actor_, list->id, "list.create", detail);
        if (!recorded) return recorded.failure();
        return list;
      });
}

Result<std::vector<ListSummary>> ListService::AllLists() {
  Result<std::vector<storage::ListRecord>> lists = store_.lists().All();
  if (!lists) return lists.failure();
  std::vector<ListSummary> out;
  out.reserve(lists->size());
  for (storage::ListRecord& list : *lists) {
    Result<int64_t> count = store_.members().Count(list.id);
    if (!count) return count.failure();
    out.push_back({std::move(list), *count});
  }
  return out;
}

Result<ListDetails> ListService::Show(std::string_view address) {
  Result<FoundList> found = FindListWithSettings(store_, address);
  if (!found) return found.failure();
  ListDetails details;
  details.list = found->record;
  const std::pair<storage::MemberRole, int64_t*> counts[] = {
      {storage::MemberRole::kMember, &details.members},
      {storage::MemberRole::kModerator, &details.moderators},
      {storage::MemberRole::kOwner, &details.owners},
  };
  for (const auto& [role, into] : counts) {
    storage::MemberFilter filter;
    filter.role = role;
    Result<int64_t> count = store_.members().Count(details.list.id, filter);
    if (!count) return count.failure();
    *into = *count;
  }
  details.settings = found->settings.All();
  Result<std::vector<storage::KeyRecord>> keys = store_.keys().ForList(details.list.id);
  if (!keys) return keys.failure();
  details.keys = std::move(*keys);
  return details;
}

Status ListService::Set(std::string_view address,
                        const std::vector<std::pair<std::string, std::string>>& assignments,
                        const std::vector<std::string>& reset, int64_t now) {
  Result<storage::ListRecord> list = FindList(address);
  if (!list) return list.failure();
  // Validate everything before writing anything: all or nothing.
  std::vector<std::pair<std::string, std::string>> normalized;
  std::set<std::string> named;
  for (const auto& [name, value] : assignments) {
    Result<std::string> valid = settings::Validate(name, value);
    if (!valid) return valid.failure();
    if (!named.insert(name).second) return base::Invalid(name + " is given twice");
    normalized.emplace_back(name, *valid);
  }
  for (const std::string& name : reset) {
    if (settings::FindSetting(name) == nullptr) return settings::UnknownSetting(name);
    if (!named.insert(name).second) return base::Invalid(name + " is both set and reset");
  }
  if (normalized.empty() && reset.empty()) return base::Invalid("nothing to set: give KEY=VALUE");
  Result<base::Done> done = InTransaction<base::Done>(
      store_, "setting on list " + list->address.ToString(), [&]() -> Result<base::Done> {
        std::string detail;
        for (const auto& [name, value] : normalized) {
          Status set = store_.lists().SetSetting(list->id, name, value);
          if (!set) return set.failure();
          detail += (detail.empty() ? "" : " ") + name + "=" + value;
        }
        for (const std::string& name : reset) {
          Status cleared = store_.lists().ClearSetting(list->id, name);
          if (!cleared) return cleared.failure();
          detail += (detail.empty() ? "" : " ") + name + " reset to default";
        }
        Status recorded = store_.events().Record(now, actor_, list->id, "list.set", detail);
        if (!recorded) return recorded.failure();
        return base::Done{};
      });
  if (!done) return done.failure();
  return base::Ok();
}

Status ListService::RemoveList(std::string_view address, int64_t now) {
  Result<storage::ListRecord> list = FindList(address);
  if (!list) return list.failure();
  Result<base::Done> done = InTransaction<base::Done>(
      store_, "removing list " + list->address.ToString(), [&]() -> Result<base::Done> {
        Result<int64_t> members = store_.members().Count(list->id);
        if (!members) return members.failure();
        Status removed = store_.lists().Remove(list->id);
        if (!removed) return removed.failure();
        // The list's row is gone, so the event is site-wide and names it.
        Status recorded = store_.events().Record(
            now, actor_, std::nullopt, "list.remove",
            "removed list " + list->address.ToString() + " (id " + std::to_string(list->id) +
                ") with " + std::to_string(*members) + " members");
        if (!recorded) return recorded.failure();
        return base::Done{};
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<std::vector<storage::EventRecord>> ListService::Events(std::string_view address,
                                                                    int limit) {
  if (limit < 1) return base::Invalid("the number of events must be at least 1");
  auto list = FindList(address);
  if (!list) return list.failure();
  return store_.events().Recent(list->id, limit);
}

}  // namespace listd::service
