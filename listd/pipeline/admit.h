// Stage 4, admit: decides whether a post goes out to the list, waits for a
// moderator, is refused, or is dropped, from a few facts about it and the
// list's posting settings.
//
// Contract: GatherFacts() reads the post and the member table and nothing
// else; Admit() is a pure function of the facts and the policy, so each
// combination is tested without a message or a database. The Verdict's
// reason is a sentence for a moderator or the log ("post from non-member
// alice@example.net"). Thread-safety: Admit() is; GatherFacts() as the
// MemberRepository passed in (one per thread).
//
// THE DECISION, in this order
//   1. loop: the post already carries our List-Id or our X-Loop -> discard
//      (it went out through us once; sending it again would loop).
//   2. size: larger than max_size (0: no limit) -> hold.
//   3. author: no From, several From fields, or a From that cannot be read
//      (or several mailboxes without a usable Sender) -> hold.
//   4. posting_policy:
//        open           everyone -> accept
//        members-only   members, moderators, owners -> accept
//        moderated      moderators, owners -> accept; members -> hold
//        announce-only  moderators, owners -> accept; members -> hold
//      and a non-member, wherever not accepted above, gets nonmember_action
//      (hold, reject or discard: the setting says "what happens to a post
//      from a non-member", whatever the policy).
//   A member's, moderator's or owner's address is not enough when the
//   author domain's DMARC check failed under p=quarantine or p=reject (RFC
//   7489 section 6.6.2: that domain asks for such mail to be treated as
//   forged): the post is then handled as a non-member's, and the reason
//   says why. (posting_auth, which asks for an aligned signature from
//   every member, is the subscriptions work; this is the floor under it.)
//
// STANDARDS
//   RFC 5322 section 3.6.2 (From is a mailbox-list; with several mailboxes
//   Sender names the one transmitting agent, so membership is checked on
//   Sender then), section 3.4 (mailbox, name-addr, addr-spec), section
//   3.2.2 and 3.2.4 (comments and quoted-strings in an address field),
//   RFC 6854 (group syntax in From: its members are read, an empty group
//   has no author); RFC 2919 sections 3 and 6 (List-Id: the list-label
//   inside <>, compared case-insensitively; section 3 has no loop rule,
//   the loop check is RFC 5321 section 6.3's "detecting and stopping
//   trivial loops"); RFC 6377 section 5.6 (membership by
//   From, the usual and weak check; DKIM-based checks are later work).
//
// LIMITS
//   Addresses must be dot-atom@domain (base::EmailAddress::Parse): a quoted
//   local part or an address literal in From holds the post. RFC 2047
//   encoded words in display names are left encoded (only the address
//   matters here); a comment inside <> is not removed and makes the address
//   unreadable; the comment after a bare addr-spec is not taken as its
//   display name. X-Loop is compared with the list address ignoring ASCII
//   case. max_size default 5 MiB (the settings catalogue's default).
#ifndef LISTD_LISTD_PIPELINE_ADMIT_H_
#define LISTD_LISTD_PIPELINE_ADMIT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/dmarc_record.h"
#include "listd/settings/list_settings.h"
#include "storage/member_repository.h"

namespace listd::pipeline {

enum class AdmitAction { kAccept, kHold, kReject, kDiscard };

// "accept", "hold", "reject", "discard".
std::string_view ToString(AdmitAction action);

// The list's settings that admission reads (listd/settings/list_settings.h).
struct AdmitPolicy {
  settings::PostingPolicy posting_policy = settings::PostingPolicy::kMembersOnly;
  settings::NonmemberAction nonmember_action = settings::NonmemberAction::kHold;
  uint64_t max_size = 5242880;  // bytes, 0 = no limit
  std::string list_id;          // our List-Id label, e.g. "demo.lists.example.org"
  std::string list_address;     // e.g. "demo@lists.example.org" (X-Loop)
};

// The policy of a list with `list_settings`, its List-Id label and address.
AdmitPolicy PolicyFrom(const settings::ListSettings& list_settings, std::string list_id,
                       std::string list_address);

// Who sent the post, as far as admission cares.
struct Sender {
  std::optional<base::EmailAddress> from;   // RFC 5322 From (or Sender, see above)
  std::optional<storage::MemberRole> role;  // absent: not a member
};

// The author domain's DMARC verdict, as stage 2 found it.
struct AuthorDmarc {
  dkim::DmarcResult result = dkim::DmarcResult::kNone;
  dkim::DmarcPolicy policy = dkim::DmarcPolicy::kNone;  // the policy applied
};

struct AdmitFacts {
  Sender sender;
  std::optional<AuthorDmarc> author_dmarc;  // absent when none was evaluated
  size_t size = 0;                          // bytes of the post as received
  bool carries_our_list_id = false;
  bool carries_our_x_loop = false;
  std::string from_problem;  // why no author address could be read; "" if fine
};

struct Verdict {
  AdmitAction action = AdmitAction::kHold;
  std::string reason;  // a sentence a moderator understands
};

// The decision (see THE DECISION above). Pure.
Verdict Admit(const AdmitFacts& facts, const AdmitPolicy& policy);

// Reads the facts from `message` and the member table of list `list_id`.
// Fails when the post is not a message or the member table cannot be read.
base::Result<AdmitFacts> GatherFacts(std::string_view message, int64_t list_id,
                                     const AdmitPolicy& policy, storage::MemberRepository& members);

// The addr-specs of an address-field value (From, Sender): top-level
// mailboxes split at commas, comments and group names skipped, display
// names unquoted. Exposed for tests; errors name the mailbox at fault.
base::Result<std::vector<base::EmailAddress>> ParseMailboxList(std::string_view value);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_ADMIT_H_
