// Stage 4, admit: decides whether a post goes out to the list, waits for a
// moderator, is refused, or is dropped, from a few facts about it and the
// list's posting settings.
//
// Contract: GatherFacts() reads the post, the member table and the bans,
// and judges the author domain from our Authentication-Results (the
// post's first field) and the trusted upstream ones, verifying nothing
// again; Admit() is a pure function of the facts and the policy, so each
// combination is tested without a message or a database. The Verdict's
// reason is a sentence for a moderator or the log ("post from non-member
// alice@example.net"). Thread-safety: Admit() is; GatherFacts() as the
// repositories passed in (one per thread).
//
// THE DECISION, in this order
//   1. loop: the post already carries our List-Id or our X-Loop -> discard
//      (it went out through us once; sending it again would loop).
//   2. ban: the author's address is banned on this list or site-wide
//      (storage/ban_repository.h: an address or a domain glob) ->
//      ban_action (discard, or reject), before anything about membership:
//      a banned member is still banned.
//   3. size: larger than max_size (0: no limit) -> hold.
//   4. author: no From, several From fields, or a From that cannot be read
//      (or several mailboxes without a usable Sender) -> hold.
//   5. identity: the author's address in the roster gives a role (member,
//      moderator, owner). Under either posting_auth, a role is not enough
//      when the author domain's DMARC check failed under p=quarantine or
//      p=reject (RFC 7489 section 6.6.2: that domain asks for such mail to
//      be treated as forged): the post is a non-member's, and the reason
//      says why. Under posting_auth=aligned the role counts, besides, only
//      when the From domain is authenticated (sender_auth.h,
//      AuthenticateAuthor: an aligned DKIM pass of ours, or a trusted
//      upstream dmarc=pass):
//        failed    an aligned signature did not pass -> nonmember_action,
//                  the reason says which check failed (as for the DMARC
//                  floor, even on an open list: a broken signature of
//                  the author's own domain is a sign of forgery);
//        unsigned  the author domain did not sign -> unauthenticated_
//                  member_action: hold (with the reason), or accept the role;
//                  on an open list, where a non-member's post is accepted
//                  anyway, it is accepted.
//      posting_auth=from takes the roster's word (the From alone).
//   6. moderated: a member row marked moderated (whatever its role) -> hold
//      ("member's posts are moderated"), whatever the posting policy.
//   7. posting_policy:
//        open           everyone -> accept
//        members-only   members, moderators, owners -> accept
//        moderated      moderators, owners -> accept; members -> hold
//        announce-only  moderators, owners -> accept; members -> hold
//      and a non-member, wherever not accepted above, gets nonmember_action
//      (hold, reject or discard: the setting says "what happens to a post
//      from a non-member", whatever the policy).
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
//   trivial loops"); RFC 6377 section 5.6 (membership by From is the
//   usual and weak check: posting_auth=aligned adds the DKIM check, RFC
//   7489 section 3.1.1 relaxed alignment of d= with the From domain, RFC
//   6376 section 6.1 for what a pass means, RFC 8601 sections 2.7.1 and
//   2.7.6 for the header.d and header.from properties read).
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
#include "listd/pipeline/sender_auth.h"
#include "listd/settings/list_settings.h"
#include "storage/ban_repository.h"
#include "storage/member_repository.h"

namespace listd::pipeline {

enum class AdmitAction { kAccept, kHold, kReject, kDiscard };

// "accept", "hold", "reject", "discard".
std::string_view ToString(AdmitAction action);

// The list's settings that admission reads (listd/settings/list_settings.h).
struct AdmitPolicy {
  settings::PostingPolicy posting_policy = settings::PostingPolicy::kMembersOnly;
  settings::NonmemberAction nonmember_action = settings::NonmemberAction::kHold;
  // The struct's default is From-only admission, the behaviour before
  // posting_auth; a list's setting (default aligned) comes by PolicyFrom.
  settings::PostingAuth posting_auth = settings::PostingAuth::kFrom;
  settings::UnauthenticatedMemberAction unauthenticated_member_action =
      settings::UnauthenticatedMemberAction::kHold;
  settings::BanAction ban_action = settings::BanAction::kDiscard;
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
  bool moderated = false;                   // the member row says: hold every post
};

// The ban that covers the author, as admission reports it.
struct AuthorBan {
  std::string pattern;  // "troll@example.net", "*@spam.example"
  bool site_wide = false;
  std::string reason;  // the admin's, may be empty
};

// The author domain's DMARC verdict, as stage 2 found it.
struct AuthorDmarc {
  dkim::DmarcResult result = dkim::DmarcResult::kNone;
  dkim::DmarcPolicy policy = dkim::DmarcPolicy::kNone;  // the policy applied
};

struct AdmitFacts {
  Sender sender;
  std::optional<AuthorDmarc> author_dmarc;  // absent when none was evaluated
  std::optional<AuthorBan> ban;             // absent: the author is not banned
  // How the From domain was authenticated; absent: not judged (read as
  // unsigned under posting_auth=aligned).
  std::optional<AuthorVerdict> author_auth;
  size_t size = 0;  // bytes of the post as received
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

// What GatherFacts judges the author domain by, besides the post.
struct AuthorEvidence {
  std::string_view authserv_id;  // whose Authentication-Results on top are ours
  const std::vector<dkim::AuthenticationResults>* trusted_upstream = nullptr;
};

// Reads the facts from `message` (the recorded post: our
// Authentication-Results first), the member table of list `list_id` and,
// when `bans` is given, the list's and the site's bans. Fails when the
// post is not a message or a table cannot be read.
base::Result<AdmitFacts> GatherFacts(std::string_view message, int64_t list_id,
                                     const AdmitPolicy& policy, storage::MemberRepository& members,
                                     storage::BanRepository* bans = nullptr,
                                     const AuthorEvidence& evidence = {});

// The addr-specs of an address-field value (From, Sender): top-level
// mailboxes split at commas, comments and group names skipped, display
// names unquoted. Exposed for tests; errors name the mailbox at fault.
base::Result<std::vector<base::EmailAddress>> ParseMailboxList(std::string_view value);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_ADMIT_H_
