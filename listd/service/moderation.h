// ModerationService: posts the admit stage held, and a moderator's three
// answers to each: approve (decorated, signed, sealed, queued, as if it had
// been accepted on arrival), reject (the author gets a notice with the
// reason), discard (dropped without a word). Every face that moderates
// (listctl held, later the REST API and replies by mail) calls these.
//
// Contract:
// - A held post keeps the bytes recorded when it arrived, with listd's
//   Authentication-Results on top, so its DKIM results are not checked
//   again days later. Approve looks up what must be decided now: the author
//   domain's DMARC policy (the mitigation) and the ARC chain's keys (what
//   the list's seal attests), through the resolvers it is given.
// - Only a post may go to the members: mail held on its way to the
//   owners is private, so approving it is refused (kind conflict).
// - Each decision is one transaction with its event (PostOutcomes).
// - Errors: an unknown hold is not_found, an unknown list invalid or
//   not_found (list_lookup.h).
//
// Thread-safety: as the Store it works on (one thread at a time).
#ifndef LISTD_LISTD_SERVICE_MODERATION_H_
#define LISTD_LISTD_SERVICE_MODERATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/key_resolver.h"
#include "dkim/txt_resolver.h"
#include "listd/service/post_outcomes.h"
#include "storage/held_repository.h"
#include "storage/spool_repository.h"
#include "storage/store.h"

namespace listd::service {

// One held post with the message as held.
struct HeldDetail {
  storage::HeldPost held;
  storage::SpooledPost post;
};

class ModerationService {
 public:
  ModerationService(storage::Store& store, PostOptions options, dkim::Clock now = dkim::SystemNow);

  // The held posts of the list at `list`, oldest first.
  base::Result<std::vector<storage::HeldPost>> HeldPosts(std::string_view list);
  // One hold and its message.
  base::Result<HeldDetail> Show(int64_t held_id);
  // Sends the held post on to the members. `keys` verifies the ARC chain
  // again, `dns` (may be null: no mitigation by policy) finds the author
  // domain's DMARC policy. A post that still cannot be sent stays held,
  // and that is an error (kind conflict) saying why. A post held because
  // the smarthost refused it (kind refused) is released instead: its
  // parked batches are due again, for exactly the recipients they kept
  // (the members it already reached get nothing twice).
  base::Result<PostOutcome> Approve(int64_t held_id, dkim::KeyResolver& keys,
                                    dkim::TxtResolver* dns);
  // Refuses it; the author gets a notice with `reason`. For a refused
  // post, as Discard: its parked batches are dropped (the author's post
  // was taken and partly delivered; it is the list's copy that failed).
  base::Result<PostOutcome> Reject(int64_t held_id, const std::string& reason);
  // Drops it without a word to anyone.
  base::Result<PostOutcome> Discard(int64_t held_id);

 private:
  // Releases (or drops) the parked batches of the refused post `held`.
  base::Result<PostOutcome> Settle(const storage::HeldPost& held, bool release,
                                   const std::string& why);

  storage::Store& store_;
  PostOutcomes outcomes_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_MODERATION_H_
