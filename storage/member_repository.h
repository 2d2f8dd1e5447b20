// Members of lists. An address appears once per list, compared without
// regard to ASCII case in the domain (stored lower-cased) and in the local
// part (kept as first given), as Mailman and the big providers compare it.
//
// Listing streams rows through a callback so a list of 100,000 members is
// never held in memory at once (the daemon's delivery relies on this).
#ifndef LISTD_STORAGE_MEMBER_REPOSITORY_H_
#define LISTD_STORAGE_MEMBER_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "storage/database.h"

namespace storage {

enum class MemberRole { kMember, kModerator, kOwner };
enum class Delivery { kEnabled, kDisabledByBounce, kDisabledByUser };

std::string_view ToString(MemberRole role);  // "member", "moderator", "owner"
std::optional<MemberRole> ParseMemberRole(std::string_view text);
std::string_view ToString(
    Delivery delivery);  // "enabled", "disabled-by-bounce", "disabled-by-user"
std::optional<Delivery> ParseDelivery(std::string_view text);

struct MemberRecord {
  int64_t id = 0;
  int64_t list_id = 0;
  base::EmailAddress address;  // display_name is the member's name
  MemberRole role = MemberRole::kMember;
  Delivery delivery = Delivery::kEnabled;
  double bounce_score = 0;
  int64_t subscribed_at = 0;
  bool moderated = false;  // every post of this member is held (schema step 5)
};

struct MemberFilter {
  std::optional<MemberRole> role;
  std::optional<Delivery> delivery;
};

// What a page of members is cut from: the filters, and a substring of the
// address ("local@domain", any ASCII case) when `contains` is not empty.
struct MemberSearch {
  MemberFilter filter;
  std::string contains;
};

// For the repositories that join members (bounce_repository.cc): the
// columns ReadMemberColumns() reads first, in its order, as "m." of a join.
inline constexpr std::string_view kMemberColumns =
    "m.id, m.list_id, m.local_part, m.domain, m.display_name, m.role, m.delivery, "
    "m.bounce_score, m.subscribed_at, m.moderated";
// The member in the first columns of `row` (kMemberColumns' order).
MemberRecord ReadMemberColumns(const Statement& row);

// A list where an address is owner or moderator (PrivilegedRoles).
struct PrivilegedRole {
  int64_t list_id = 0;
  std::string list_address;  // local@domain of the list
  MemberRole role = MemberRole::kModerator;
};

class MemberRepository {
 public:
  explicit MemberRepository(Database& db) : db_(db) {}

  // Adds a member; returns false (no error) when the address is already on
  // the list. The caller's Transaction, if any, is used (for bulk imports).
  Result<bool> Add(int64_t list_id, const base::EmailAddress& address, MemberRole role,
                   int64_t now);
  // Removes; returns false when the address was not a member.
  Result<bool> Remove(int64_t list_id, const base::EmailAddress& address);
  Result<std::optional<MemberRecord>> Find(int64_t list_id, const base::EmailAddress& address);
  // The member with id `member_id`, on whichever list.
  Result<std::optional<MemberRecord>> FindById(int64_t member_id);
  Status SetRole(int64_t member_id, MemberRole role);
  Status SetDelivery(int64_t member_id, Delivery delivery);
  Status SetBounceScore(int64_t member_id, double score);
  // Whether every post of member `member_id` waits for a moderator.
  Status SetModerated(int64_t member_id, bool moderated);
  // Calls `each` for every matching member in address order; stops early
  // when `each` returns false.
  Status ForEach(int64_t list_id, const MemberFilter& filter,
                 const std::function<bool(const MemberRecord&)>& each);
  Result<int64_t> Count(int64_t list_id, const MemberFilter& filter = {});
  // Every list where `address` is owner or moderator, by list id (through
  // the partial index of schema step 9: a few rows, whatever the rosters).
  Result<std::vector<PrivilegedRole>> PrivilegedRoles(const base::EmailAddress& address);
  // At most `count` members matching `search` in address order, skipping
  // the first `start` (the REST API's pages). Schema step 10's indexes
  // serve the role and delivery filters without a sort.
  Result<std::vector<MemberRecord>> Page(int64_t list_id, const MemberSearch& search, int64_t start,
                                         int64_t count);
  // How many members match `search` (a page's total_size).
  Result<int64_t> CountMatching(int64_t list_id, const MemberSearch& search);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_MEMBER_REPOSITORY_H_
