// Bounce state: what bounce processing keeps per member beside the score
// on members (storage/schema.cc, step 7), and the bounces that named no
// member, waiting for the owners' digest.
//
// A member has a bounce_info row only once their mail has failed; Get()
// of one without reads the defaults (nothing failed, no probe, not
// disabled), and Clear() returns a member to that. The periodic work walks
// ForEachTracked(), the members with a row: a few, never the roster.
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_BOUNCE_REPOSITORY_H_
#define LISTD_STORAGE_BOUNCE_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/member_repository.h"

namespace storage {

// Where a probe (a mail sent only to learn whether the address is dead)
// stands: none, due (the threshold was reached; the next chores send it),
// sent (its bounce, and only its bounce, disables the member).
enum class ProbeState { kNone, kDue, kSent };
std::string_view ToString(ProbeState state);  // "none", "due", "sent"

struct BounceInfo {
  int64_t member_id = 0;
  int64_t last_failure_at = 0;  // the last permanent failure that scored; 0 none
  std::string last_failure;     // what it said, one line
  ProbeState probe = ProbeState::kNone;
  int64_t probe_sent_at = 0;
  int64_t disabled_at = 0;   // when delivery was disabled by bounces; 0 not
  bool owners_told = false;  // of the disabling
  int64_t warnings_sent = 0;
  int64_t last_warning_at = 0;
};

// A member and their bounce state, as the chores and `bounce ls` read them.
struct MemberBounce {
  MemberRecord member;
  BounceInfo info;
};

// A bounce no member of the list could be found for.
struct UnrecognizedBounce {
  int64_t id = 0;
  int64_t list_id = 0;
  int64_t post_id = 0;  // the spooled bounce
  int64_t received_at = 0;
  std::string summary;  // one line: who sent it, what the parser said
};

class BounceRepository {
 public:
  explicit BounceRepository(Database& db) : db_(db) {}

  // The state of member `member_id`; the defaults when nothing failed.
  Result<BounceInfo> Get(int64_t member_id);
  // Writes `info` (its member_id) whole.
  Status Put(const BounceInfo& info);
  // Forgets member `member_id`'s bounce state.
  Status Clear(int64_t member_id);
  // Calls `each` for every member of list `list_id` with bounce state, in
  // member id order; stops early when `each` returns false. `each` may use
  // the other repositories, not this walk itself.
  Status ForEachTracked(int64_t list_id, const std::function<bool(const MemberBounce&)>& each);
  // What `bounce ls` shows: every member of `list_id` with a score, bounce
  // state or delivery disabled by bounces, in address order.
  Result<std::vector<MemberBounce>> Listed(int64_t list_id);

  // Keeps an unrecognised bounce for the digest; returns its id.
  Result<int64_t> AddUnrecognized(int64_t list_id, int64_t post_id, const std::string& summary,
                                  int64_t now);
  // Those of list `list_id` not yet in a digest, oldest first, at most `limit`.
  Result<std::vector<UnrecognizedBounce>> Undigested(int64_t list_id, int64_t limit);
  // When list `list_id`'s last digest went out; 0 never.
  Result<int64_t> LastDigestAt(int64_t list_id);
  // Marks those of `ids` as sent in a digest at `now`.
  Status MarkDigested(const std::vector<int64_t>& ids, int64_t now);
  // The lists with bounce work: a member with bounce state or an
  // undigested bounce. The chores visit only these.
  Result<std::vector<int64_t>> ListsWithWork();

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_BOUNCE_REPOSITORY_H_
