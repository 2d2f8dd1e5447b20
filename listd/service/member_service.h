// MemberService: the members of a list, as the operations every face
// shares: add, remove, set (moderated, delivery), list, import, export.
//
// Contract:
// - Every write is one transaction holding the change and its row in the
//   events log, attributed to the actor given at construction.
// - Lists are named by address (list_lookup.h: invalid, not_found); an
//   address that does not parse is kind invalid and changes nothing.
// - The clock is the caller's (`now`, seconds since the epoch).
// - Members are streamed (ForEachMember, ExportMembers, ImportMembers read
//   and write line by line), so memory does not grow with a list's size.
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_SERVICE_MEMBER_SERVICE_H_
#define LISTD_LISTD_SERVICE_MEMBER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

// What happened to each address of a `member add` or `member rm`.
struct MemberChangeReport {
  std::vector<std::string> changed;    // added, or removed
  std::vector<std::string> unchanged;  // already a member, or not a member
};

// The outcome of an import. Rejected lines are kept in detail up to
// kMaxRejectedDetails (so a wrong file of a million lines cannot exhaust
// memory); `rejected_count` counts them all.
struct ImportReport {
  struct Rejected {
    int64_t line = 0;
    std::string text;
    std::string reason;
  };
  static constexpr size_t kMaxRejectedDetails = 1000;
  int64_t added = 0;
  int64_t duplicates = 0;  // already on the list, or earlier in the file
  int64_t rejected_count = 0;
  std::vector<Rejected> rejected;
};

// What `member set` (and the REST API's PATCH) changes; an absent field stays as it is.
struct MemberOptions {
  std::optional<storage::MemberRole> role;    // member, moderator, owner
  std::optional<bool> moderated;              // every post of the member is held
  std::optional<storage::Delivery> delivery;  // enabled, disabled-by-user, ...
};

// One page of a list's members and how many match in all.
struct MemberPage {
  std::vector<storage::MemberRecord> members;
  int64_t total = 0;
};

class MemberService {
 public:
  // `actor` is recorded with every event, e.g. "listctl:root".
  MemberService(storage::Store& store, std::string actor)
      : store_(store), actor_(std::move(actor)) {}

  // Adds each address with `role`; fails, adding none, when any address is
  // invalid. Addresses already on the list are reported as unchanged.
  base::Result<MemberChangeReport> AddMembers(std::string_view list,
                                              const std::vector<std::string>& addresses,
                                              storage::MemberRole role, int64_t now);
  // Removes each address; ones not on the list are reported as unchanged.
  base::Result<MemberChangeReport> RemoveMembers(std::string_view list,
                                                 const std::vector<std::string>& addresses,
                                                 int64_t now);
  // Sets the options given of member `address` of `list` and returns the
  // member as it now is; not a member is kind not_found, nothing to set
  // kind invalid. One transaction with its event ("member.set").
  base::Result<storage::MemberRecord> SetMemberOptions(std::string_view list,
                                                       std::string_view address,
                                                       const MemberOptions& options, int64_t now);
  // Calls `each` for every member matching `filter`, in address order.
  base::Status ForEachMember(std::string_view list, const storage::MemberFilter& filter,
                             const std::function<void(const storage::MemberRecord&)>& each);
  // At most `count` members matching `search` from `start`, in address
  // order, with the number matching (the REST API's pages).
  base::Result<MemberPage> Page(std::string_view list, const storage::MemberSearch& search,
                                int64_t start, int64_t count);
  // Member `address` of `list`; not a member is kind not_found.
  base::Result<storage::MemberRecord> FindMember(std::string_view list, std::string_view address);
  // Reads `in` line by line: "addr" or "Name <addr>"; blank lines and lines
  // starting with '#' are ignored. Adds every valid new address as role
  // member, all in one transaction. A read error on `in` fails the whole
  // import (nothing is added).
  base::Result<ImportReport> ImportMembers(std::string_view list, std::istream& in, int64_t now);
  // Writes every member to `out`, one "Name <addr>" or "addr" a line, in a
  // form ImportMembers reads back. Returns the number written.
  base::Result<int64_t> ExportMembers(std::string_view list, std::ostream& out);

  // The export/import form of one member: "Name <addr>" or "addr".
  static std::string FormatMemberLine(const base::EmailAddress& address);

 private:
  storage::Store& store_;
  std::string actor_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_MEMBER_SERVICE_H_
