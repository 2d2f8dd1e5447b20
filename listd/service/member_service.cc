// MemberService over the Store's repositories (see member_service.h).
#include "listd/service/member_service.h"

#include <istream>
#include <ostream>

#include "listd/service/bounce_scoring.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

using base::Error;
using base::Result;
using base::Status;

// Event details name at most this many addresses; the rest are counted.
constexpr size_t kMaxAddressesInEvent = 20;

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

std::string_view TrimLine(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<MemberChangeReport> MemberService::AddMembers(std::string_view list_address,
                                                     const std::vector<std::string>& addresses,
                                                     storage::MemberRole role, int64_t now) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  std::vector<base::EmailAddress> parsed;
  for (const std::string& text : addresses) {
    Result<base::EmailAddress> a = base::EmailAddress::Parse(text);
    if (!a) return base::Invalid("invalid address: " + a.error() + " (no member added)");
    parsed.push_back(*a);
  }
  return InTransaction<MemberChangeReport>(
      store_, "adding members to " + list->address.ToString(), [&]() -> Result<MemberChangeReport> {
        MemberChangeReport report;
        for (const base::EmailAddress& a : parsed) {
          Result<bool> added = store_.members().Add(list->id, a, role, now);
          if (!added) return added.failure();
          (*added ? report.changed : report.unchanged).push_back(a.ToString());
        }
        if (!report.changed.empty()) {
          Status recorded =
              store_.events().Record(now, actor_, list->id, "member.add",
                                     "added as " + std::string(storage::ToString(role)) + ": " +
                                         AddressList(report.changed));
          if (!recorded) return recorded.failure();
        }
        return report;
      });
}

Result<MemberChangeReport> MemberService::RemoveMembers(std::string_view list_address,
                                                        const std::vector<std::string>& addresses,
                                                        int64_t now) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  std::vector<base::EmailAddress> parsed;
  for (const std::string& text : addresses) {
    Result<base::EmailAddress> a = base::EmailAddress::Parse(text);
    if (!a) return base::Invalid("invalid address: " + a.error() + " (no member removed)");
    parsed.push_back(*a);
  }
  return InTransaction<MemberChangeReport>(
      store_, "removing members from " + list->address.ToString(),
      [&]() -> Result<MemberChangeReport> {
        MemberChangeReport report;
        for (const base::EmailAddress& a : parsed) {
          Result<bool> removed = store_.members().Remove(list->id, a);
          if (!removed) return removed.failure();
          (*removed ? report.changed : report.unchanged).push_back(a.ToString());
        }
        if (!report.changed.empty()) {
          Status recorded = store_.events().Record(now, actor_, list->id, "member.remove",
                                                   "removed: " + AddressList(report.changed));
          if (!recorded) return recorded.failure();
        }
        return report;
      });
}

Result<storage::MemberRecord> MemberService::SetMemberOptions(std::string_view list_address,
                                                              std::string_view address_text,
                                                              const MemberOptions& options,
                                                              int64_t now) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  Result<base::EmailAddress> address = base::EmailAddress::Parse(address_text);
  if (!address) return base::Invalid("invalid address: " + address.error());
  if (!options.role && !options.moderated && !options.delivery) {
    return base::Invalid("nothing to set: give moderated=yes|no or delivery=STATE");
  }
  return InTransaction<storage::MemberRecord>(
      store_, "setting member " + address->ToString() + " of " + list->address.ToString(),
      [&]() -> Result<storage::MemberRecord> {
        Result<std::optional<storage::MemberRecord>> found =
            store_.members().Find(list->id, *address);
        if (!found) return found.failure();
        if (!*found) {
          return base::NotFound(address->ToString() + " is not a member of " +
                                list->address.ToString());
        }
        storage::MemberRecord member = **found;
        std::string detail;
        if (options.role) {
          Status set = store_.members().SetRole(member.id, *options.role);
          if (!set) return set.failure();
          member.role = *options.role;
          detail += "role=" + std::string(storage::ToString(member.role));
        }
        if (options.moderated) {
          Status set = store_.members().SetModerated(member.id, *options.moderated);
          if (!set) return set.failure();
          member.moderated = *options.moderated;
          detail += std::string(detail.empty() ? "" : " ") +
                    "moderated=" + (member.moderated ? "yes" : "no");
        }
        if (options.delivery) {
          // Disabled by bounce by an admin's hand, the member gets what
          // bounce processing would do (warnings, then removal:
          // bounce_chores.h), which needs their bounce state.
          const bool by_bounce = *options.delivery == storage::Delivery::kDisabledByBounce &&
                                 member.delivery != storage::Delivery::kDisabledByBounce;
          Status set = base::Ok();
          if (by_bounce) {
            Result<storage::BounceInfo> info = store_.bounces().Get(member.id);
            if (!info) return info.failure();
            set = DisableByBounce(store_, member, *info, "set by " + actor_, actor_, now);
          } else {
            set = store_.members().SetDelivery(member.id, *options.delivery);
          }
          if (!set) return set.failure();
          member.delivery = *options.delivery;
          detail += std::string(detail.empty() ? "" : " ") +
                    "delivery=" + std::string(storage::ToString(member.delivery));
        }
        Status recorded = store_.events().Record(now, actor_, list->id, "member.set",
                                                 member.address.ToString() + ": " + detail);
        if (!recorded) return recorded.failure();
        return member;
      });
}

Result<MemberPage> MemberService::Page(std::string_view list_address,
                                       const storage::MemberSearch& search, int64_t start,
                                       int64_t count) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  // Two reads without a transaction (which would take the write lock): a
  // member added between them makes total_size one off, as with any page.
  Result<std::vector<storage::MemberRecord>> page =
      store_.members().Page(list->id, search, start, count);
  if (!page) return page.failure();
  Result<int64_t> total = store_.members().CountMatching(list->id, search);
  if (!total) return total.failure();
  return MemberPage{std::move(*page), *total};
}

Result<storage::MemberRecord> MemberService::FindMember(std::string_view list_address,
                                                        std::string_view address_text) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  Result<base::EmailAddress> address = base::EmailAddress::Parse(address_text);
  if (!address) return base::Invalid("invalid address: " + address.error());
  Result<std::optional<storage::MemberRecord>> found = store_.members().Find(list->id, *address);
  if (!found) return found.failure();
  if (!*found) {
    return base::NotFound(address->ToString() + " is not a member of " + list->address.ToString());
  }
  return **found;
}

Status MemberService::ForEachMember(std::string_view list_address,
                                    const storage::MemberFilter& filter,
                                    const std::function<void(const storage::MemberRecord&)>& each) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  return store_.members().ForEach(list->id, filter, [&](const storage::MemberRecord& member) {
    each(member);
    return true;
  });
}

Result<ImportReport> MemberService::ImportMembers(std::string_view list_address, std::istream& in,
                                                  int64_t now) {
  Result<storage::ListRecord> list = FindList(store_, list_address);
  if (!list) return list.failure();
  return InTransaction<ImportReport>(
      store_, "importing members into " + list->address.ToString(), [&]() -> Result<ImportReport> {
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
          if (!added) return added.failure().Prefixed("line " + std::to_string(number));
          ++(*added ? report.added : report.duplicates);
        }
        // getline stops at end of file or on a read error; only the first
        // is a complete import.
        if (in.bad()) {
          return base::Unavailable("read error after line " + std::to_string(number) +
                                   "; nothing imported");
        }
        Status recorded =
            store_.events().Record(now, actor_, list->id, "member.import",
                                   "imported " + std::to_string(report.added) + " added, " +
                                       std::to_string(report.duplicates) + " duplicates, " +
                                       std::to_string(report.rejected_count) + " rejected");
        if (!recorded) return recorded.failure();
        return report;
      });
}

std::string MemberService::FormatMemberLine(const base::EmailAddress& address) {
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

Result<int64_t> MemberService::ExportMembers(std::string_view list_address, std::ostream& out) {
  int64_t written = 0;
  Status done = ForEachMember(list_address, {}, [&](const storage::MemberRecord& member) {
    out << FormatMemberLine(member.address) << '\n';
    ++written;
  });
  if (!done) return done.failure();
  out.flush();
  if (!out) return base::Unavailable("cannot write the export");
  return written;
}

}  // namespace listd::service
