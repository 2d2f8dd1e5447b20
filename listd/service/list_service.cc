// ListService over the Store's repositories. Each write opens one
// storage::Transaction; the repositories see it and do not begin their own,
// so the change and its event commit together or not at all.
#include "listd/service/list_service.h"

#include <pwd.h>
#include <unistd.h>

#include <istream>
#include <ostream>
#include <set>

namespace listd {
namespace {

using base::Error;
using base::Result;
using base::Status;

// Event details name at most this many addresses; the rest are counted.
constexpr size_t kMaxAddressesInEvent = 20;

Result<base::EmailAddress> ParseAddress(std::string_view text, std::string_view what) {
  Result<base::EmailAddress> address = base::EmailAddress::Parse(text);
  if (!address) return Error{"invalid " + std::string(what) + ": " + address.error()};
  return address;
}

std::string AddressList(const std::vector<std::string>& addresses) {
  std::string out;
  size_t shown = 0;
  for (const std::string& a : addresses) {
    if (shown == kMaxAddressesInEvent) {
      out += " and " + std::to_string(addresses.size() - shown) + " more";
      break;
    }
    out += (shown == 0 ? "" : ", ") + a;
    ++shown;
  }
  return out;
}

// Runs `body` inside one transaction and commits when it succeeds.
template <typename T>
Result<T> InTransaction(storage::Database& db, const std::string& what,
                        const std::function<Result<T>()>& body) {
  storage::Transaction transaction(db);
  if (!transaction.begun()) return Error{what + ": " + transaction.begun().error()};
  Result<T> result = body();
  if (!result) return result;  // the Transaction rolls back
  Status committed = transaction.Commit();
  if (!committed) return Error{what + ": " + committed.error()};
  return result;
}

std::string_view TrimLine(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<storage::ListRecord> ListService::FindList(std::string_view address) {
  Result<base::EmailAddress> parsed = ParseAddress(address, "list address");
  if (!parsed) return Error{parsed.error()};
  Result<std::optional<storage::ListRecord>> found = store_.lists().Find(*parsed);
  if (!found) return Error{found.error()};
  if (!found->has_value()) return Error{"no list " + parsed->ToString()};
  return **found;
}

Result<storage::ListRecord> ListService::CreateList(std::string_view address,
                                                    const std::string& name,
                                                    const std::optional<std::string>& owner,
                                                    int64_t now) {
  Result<base::EmailAddress> parsed = ParseAddress(address, "list address");
  if (!parsed) return Error{parsed.error()};
  if (!name.empty()) parsed->display_name = name;
  std::optional<base::EmailAddress> owner_address;
  if (owner) {
    Result<base::EmailAddress> o = ParseAddress(*owner, "owner address");
    if (!o) return Error{o.error()};
    owner_address = *o;
  }
  return InTransaction<storage::ListRecord>(
      store_.db(), "creating list " + parsed->ToString(), [&]() -> Result<storage::ListRecord> {
        Result<storage::ListRecord> list = store_.lists().Create(*parsed, now);
        if (!list) return list;
        std::string detail = "created list " + list->address.ToString();
        if (!list->address.display_name.empty()) {
          detail += " named '" + list->address.display_name + "'";
        }
        if (owner_address) {
          Result<bool> added =
              store_.members().Add(list->id, *owner_address, storage::MemberRole::kOwner, now);
          if (!added) return Error{added.error()};
          detail += " with owner " + owner_address->ToString();
        }
        Status recorded = store_.events().Record(now, actor_, list->id, "list.create", detail);
        if (!recorded) return Error{recorded.error()};
        return list;
      });
}

Result<std::vector<ListSummary>> ListService::AllLists() {
  Result<std::vector<storage::ListRecord>> lists = store_.lists().All();
  if (!lists) return Error{lists.error()};
  std::vector<ListSummary> out;
  out.reserve(lists->size());
  for (storage::ListRecord& list : *lists) {
    Result<int64_t> count = store_.members().Count(list.id);
    if (!count) return Error{count.error()};
    out.push_back({std::move(list), *count});
  }
  return out;
}

Result<ListDetails> ListService::Show(std::string_view address) {
  Result<storage::ListRecord> list = FindList(address);
  if (!list) return Error{list.error()};
  ListDetails details;
  details.list = *list;
  const std::pair<storage::MemberRole, int64_t*> counts[] = {
      {storage::MemberRole::kMember, &details.members},
      {storage::MemberRole::kModerator, &details.moderators},
      {storage::MemberRole::kOwner, &details.owners},
  };
  for (const auto& [role, into] : counts) {
    storage::MemberFilter filter;
    filter.role = role;
    Result<int64_t> count = store_.members().Count(list->id, filter);
    if (!count) return Error{count.error()};
    *into = *count;
  }
  Result<std::map<std::string, std::string>> stored = store_.lists().Settings(list->id);
  if (!stored) return Error{stored.error()};
  details.settings = EffectiveSettings(list->address, *stored);
  Result<std::vector<storage::KeyRecord>> keys = store_.keys().ForList(list->id);
  if (!keys) return Error{keys.error()};
  details.keys = std::move(*keys);
  return details;
}

Status ListService::Set(std::string_view address,
                        const std::vector<std::pair<std::string, std::string>>& assignments,
                        const std::vector<std::string>& reset, int64_t now) {
  Result<storage::ListRecord> list = FindList(address);
  if (!list) return Error{list.error()};
  // Validate everything before writing anything: all or nothing.
  std::vector<std::pair<std::string, std::string>> normalized;
  std::set<std::string> named;
  for (const auto& [name, value] : assignments) {
    Result<std::string> valid = ValidateSetting(name, value);
    if (!valid) return Error{valid.error()};
    if (!named.insert(name).second) return Error{name + " is given twice"};
    normalized.emplace_back(name, *valid);
  }
  for (const std::string& name : reset) {
    // An unknown name fails validation whatever the value; its error lists the names.
    if (FindSetting(name) == nullptr) return Error{ValidateSetting(name, "").error()};
    if (!named.insert(name).second) return Error{name + " is both set and reset"};
  }
  if (normalized.empty() && reset.empty()) return Error{"nothing to set: give KEY=VALUE"};
  Result<base::Done> done = InTransaction<base::Done>(
      store_.db(), "setting on list " + list->address.ToString(), [&]() -> Result<base::Done> {
        std::string detail;
        for (const auto& [name, value] : normalized) {
          Status set = store_.lists().SetSetting(list->id, name, value);
          if (!set) return Error{set.error()};
          detail += (detail.empty() ? "" : " ") + name + "=" + value;
        }
        for (const std::string& name : reset) {
          Status cleared = store_.lists().ClearSetting(list->id, name);
          if (!cleared) return Error{cleared.error()};
          detail += (detail.empty() ? "" : " ") + name + " reset to default";
        }
        Status recorded = store_.events().Record(now, actor_, list->id, "list.set", detail);
        if (!recorded) return Error{recorded.error()};
        return base::Done{};
      });
  if (!done) return Error{done.error()};
  return base::Ok();
}

Status ListService::RemoveList(std::string_view address, int64_t now) {
  Result<storage::ListRecord> list = FindList(address);
  if (!list) return Error{list.error()};
  Result<base::Done> done = InTransaction<base::Done>(
      store_.db(), "removing list " + list->address.ToString(), [&]() -> Result<base::Done> {
        Result<int64_t> members = store_.members().Count(list->id);
        if (!members) return Error{members.error()};
        Status removed = store_.lists().Remove(list->id);
        if (!removed) return Error{removed.error()};
        // The list's row is gone, so the event is site-wide and names it.
        Status recorded = store_.events().Record(
            now, actor_, std::nullopt, "list.remove",
            "removed list " + list->address.ToString() + " (id " + std::to_string(list->id) +
                ") with " + std::to_string(*members) + " members");
        if (!recorded) return Error{recorded.error()};
        return base::Done{};
      });
  if (!done) return Error{done.error()};
  return base::Ok();
}

Result<MemberChangeReport> ListService::AddMembers(std::string_view list_address,
                                                   const std::vector<std::string>& addresses,
                                                   storage::MemberRole role, int64_t now) {
  Result<storage::ListRecord> list = FindList(list_address);
  if (!list) return Error{list.error()};
  std::vector<base::EmailAddress> parsed;
  for (const std::string& text : addresses) {
    Result<base::EmailAddress> a = ParseAddress(text, "address");
    if (!a) return Error{a.error() + " (no member added)"};
    parsed.push_back(*a);
  }
  return InTransaction<MemberChangeReport>(
      store_.db(), "adding members to " + list->address.ToString(),
      [&]() -> Result<MemberChangeReport> {
        MemberChangeReport report;
        for (const base::EmailAddress& a : parsed) {
          Result<bool> added = store_.members().Add(list->id, a, role, now);
          if (!added) return Error{added.error()};
          (*added ? report.changed : report.unchanged).push_back(a.ToString());
        }
        if (!report.changed.empty()) {
          Status recorded =
              store_.events().Record(now, actor_, list->id, "member.add",
                                     "added as " + std::string(storage::ToString(role)) + ": " +
                                         AddressList(report.changed));
          if (!recorded) return Error{recorded.error()};
        }
        return report;
      });
}

Result<MemberChangeReport> ListService::RemoveMembers(std::string_view list_address,
                                                      const std::vector<std::string>& addresses,
                                                      int64_t now) {
  Result<storage::ListRecord> list = FindList(list_address);
  if (!list) return Error{list.error()};
  std::vector<base::EmailAddress> parsed;
  for (const std::string& text : addresses) {
    Result<base::EmailAddress> a = ParseAddress(text, "address");
    if (!a) return Error{a.error() + " (no member removed)"};
    parsed.push_back(*a);
  }
  return InTransaction<MemberChangeReport>(
      store_.db(), "removing members from " + list->address.ToString(),
      [&]() -> Result<MemberChangeReport> {
        MemberChangeReport report;
        for (const base::EmailAddress& a : parsed) {
          Result<bool> removed = store_.members().Remove(list->id, a);
          if (!removed) return Error{removed.error()};
          (*removed ? report.changed : report.unchanged).push_back(a.ToString());
        }
        if (!report.changed.empty()) {
          Status recorded = store_.events().Record(now, actor_, list->id, "member.remove",
                                                   "removed: " + AddressList(report.changed));
          if (!recorded) return Error{recorded.error()};
        }
        return report;
      });
}

Status ListService::ForEachMember(std::string_view list_address,
                                  const storage::MemberFilter& filter,
                                  const std::function<void(const storage::MemberRecord&)>& each) {
  Result<storage::ListRecord> list = FindList(list_address);
  if (!list) return Error{list.error()};
  return store_.members().ForEach(list->id, filter, [&](const storage::MemberRecord& member) {
    each(member);
    return true;
  });
}

Result<ImportReport> ListService::ImportMembers(std::string_view list_address, std::istream& in,
                                                int64_t now) {
  Result<storage::ListRecord> list = FindList(list_address);
  if (!list) return Error{list.error()};
  return InTransaction<ImportReport>(
      store_.db(), "importing members into " + list->address.ToString(),
      [&]() -> Result<ImportReport> {
        ImportReport report;
        std::string line;
        int64_t number = 0;
        while (std::getline(in, line)) {
          ++number;
          std::string_view text = line;
          // Spreadsheets often save a UTF-8 byte order mark before line 1.
          if (number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
          text = TrimLine(text);
          if (text.empty() || text.front() == '#') continue;
          Result<base::EmailAddress> address = base::EmailAddress::Parse(text);
          if (!address) {
            ++report.rejected_count;
            if (report.rejected.size() < ImportReport::kMaxRejectedDetails) {
              report.rejected.push_back({number, std::string(text), address.error()});
            }
            continue;
          }
          Result<bool> added =
              store_.members().Add(list->id, *address, storage::MemberRole::kMember, now);
          if (!added) return Error{"line " + std::to_string(number) + ": " + added.error()};
          ++(*added ? report.added : report.duplicates);
        }
        // getline stops at end of file or on a read error; only the first
        // is a complete import.
        if (in.bad()) {
          return Error{"read error after line " + std::to_string(number) + "; nothing imported"};
        }
        Status recorded =
            store_.events().Record(now, actor_, list->id, "member.import",
                                   "imported " + std::to_string(report.added) + " added, " +
                                       std::to_string(report.duplicates) + " duplicates, " +
                                       std::to_string(report.rejected_count) + " rejected");
        if (!recorded) return Error{recorded.error()};
        return report;
      });
}

std::string ListService::FormatMemberLine(const base::EmailAddress& address) {
  std::string name;
  for (char c : address.display_name) {
    name.push_back(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
  }
  // Parse() strips surrounding spaces and one pair of quotes from a name;
  // quote again names it would otherwise change.
  while (!name.empty() && name.front() == ' ') name.erase(name.begin());
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return address.ToString();
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = '"' + name + '"';
  return name + " <" + address.ToString() + ">";
}

Result<int64_t> ListService::ExportMembers(std::string_view list_address, std::ostream& out) {
  int64_t written = 0;
  Status done = ForEachMember(list_address, {}, [&](const storage::MemberRecord& member) {
    out << FormatMemberLine(member.address) << '\n';
    ++written;
  });
  if (!done) return Error{done.error()};
  out.flush();
  if (!out) return Error{"cannot write the export"};
  return written;
}

std::string UnixActor(std::string_view program) {
  const uid_t uid = ::geteuid();
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return std::string(program) + ":" + found->pw_name;
  }
  return std::string(program) + ":" + std::to_string(uid);
}

}  // namespace listd
