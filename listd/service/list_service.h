// ListService: the operations on lists and their members that listctl,
// later the web face and the daemon's command addresses share (DESIGN.md:
// they "live here once, in a service layer").
//
// Contract:
// - Every write is one transaction holding the change and its row in the
//   events log, attributed to the actor given at construction
//   ("listctl:alice", "web:owner@example.org"): all of it happens or none.
// - Lists are named by address; an unknown list is an error saying so.
// - The clock is the caller's: every write takes `now` (seconds since the
//   epoch), so tests are deterministic.
// - Members are streamed (ForEachMember, ExportMembers, ImportMembers read
//   and write line by line), so memory does not grow with a list's size.
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_LIST_SERVICE_H_
#define LISTD_LISTD_LIST_SERVICE_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "listd/settings/catalogue.h"
#include "storage/store.h"

namespace listd {

// A list with its member count, as `list ls` shows it.
struct ListSummary {
  storage::ListRecord list;
  int64_t members = 0;  // every role
};

// Everything `list show` prints about one list.
struct ListDetails {
  storage::ListRecord list;
  int64_t members = 0;     // role member
  int64_t moderators = 0;  // role moderator
  int64_t owners = 0;      // role owner
  std::vector<EffectiveSetting> settings;
  std::vector<storage::KeyRecord> keys;  // newest first
};

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

class ListService {
 public:
  // `actor` is recorded with every event, e.g. "listctl:root".
  ListService(storage::Store& store, std::string actor) : store_(store), actor_(std::move(actor)) {}

  // Creates the list at `address` named `name`; with `owner`, adds that
  // address as the list's first member with role owner.
  base::Result<storage::ListRecord> CreateList(std::string_view address, const std::string& name,
                                               const std::optional<std::string>& owner,
                                               int64_t now);
  // The list at `address`; an error "no list x@y" when there is none.
  base::Result<storage::ListRecord> FindList(std::string_view address);
  // Every list with its member count, ordered by domain then local part.
  base::Result<std::vector<ListSummary>> AllLists();
  // The list, its member counts, its settings in force and its keys.
  base::Result<ListDetails> Show(std::string_view address);
  // Validates every KEY=VALUE through the settings catalogue and stores them
  // all, or none when any is invalid. `reset` names settings to return to
  // their defaults.
  base::Status Set(std::string_view address,
                   const std::vector<std::pair<std::string, std::string>>& assignments,
                   const std::vector<std::string>& reset, int64_t now);
  // Removes the list with its members, settings, keys and held posts.
  base::Status RemoveList(std::string_view address, int64_t now);

  // Adds each address with `role`; fails, adding none, when any address is
  // invalid. Addresses already on the list are reported as unchanged.
  base::Result<MemberChangeReport> AddMembers(std::string_view list,
                                              const std::vector<std::string>& addresses,
                                              storage::MemberRole role, int64_t now);
  // Removes each address; ones not on the list are reported as unchanged.
  base::Result<MemberChangeReport> RemoveMembers(std::string_view list,
                                                 const std::vector<std::string>& addresses,
                                                 int64_t now);
  // Calls `each` for every member matching `filter`, in address order.
  base::Status ForEachMember(std::string_view list, const storage::MemberFilter& filter,
                             const std::function<void(const storage::MemberRecord&)>& each);
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

// The actor a command-line program records: "<program>:<Unix user name>",
// e.g. "listctl:alice" (the numeric uid when the user has no name).
std::string UnixActor(std::string_view program);

}  // namespace listd

#endif  // LISTD_LISTD_LIST_SERVICE_H_
