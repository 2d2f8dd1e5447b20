// PostOutcomes: what can become of a spooled post, each one transaction
// that commits the post's new state with its event (and with its delivery
// batches, its hold, or its notice, as the outcome has them).
//
//   Distribute  decorate, sign, seal, queue for every member  -> processed
//   Forward     to the list's owners and moderators, undecorated -> processed
//   Hold        kept for a moderator with the reason (a held row) -> held
//   Reject      refused; a notice to the envelope sender         -> rejected
//   Discard     dropped without a word                           -> discarded
//   Record      taken, nothing sent (a bounce, a command)        -> processed
//   Fail        no stage can ever take it (its list is gone)     -> failed
//
// The inbound handlers end a post's first way through these, moderation
// (moderation.h) a held post's second. A stage that cannot do its work
// (a template that does not render, a post GMime cannot read) holds the
// post with the stage's reason instead: a post is never dropped for being
// hard. Only a store failure is returned as an error, leaving the post as
// it was, to be tried again.
//
// STANDARDS
//   RFC 3834 section 4 and RFC 5321 section 4.5.5: a rejection notice goes
//   to the envelope sender, never to From, with a null return path; none
//   is sent for a null return path, nor for one that is not authenticated
//   (pipeline/sender_auth.h: the notice would be backscatter to a forged
//   address), and the outcome's reason then says so. RFC 6377 section 3.3: the copies'
//   envelope sender is the list's -bounces address.
//
// Thread-safety: one PostOutcomes per thread, over that thread's Store.
#ifndef LISTD_LISTD_SERVICE_POST_OUTCOMES_H_
#define LISTD_LISTD_SERVICE_POST_OUTCOMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/dmarc_record.h"
#include "dkim/key_resolver.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/list_address.h"
#include "storage/spool_repository.h"
#include "storage/store.h"

namespace listd::service {

// What became of a post.
enum class PostAction {
  kAccepted,   // queued for the members
  kForwarded,  // queued for the owners and moderators
  kHeld,
  kRejected,
  kDiscarded,
  kRecorded,  // taken and kept, nothing sent
  kFailed,
};
// "accepted", "forwarded", "held", "rejected", "discarded", "recorded", "failed".
std::string_view ToString(PostAction action);

// What became of a post, for the one log line per post.
struct PostOutcome {
  int64_t post_id = 0;
  std::string message_id;  // the post's Message-ID, or "-"
  std::string list;        // the address it came in for
  std::string auth;        // "dkim=pass(example.org)"
  PostAction action = PostAction::kRecorded;
  std::string reason;  // why it was held/rejected/discarded; what signing did
  size_t recipients = 0;
};

// A post being decided: its spool row, its list, the address it came to,
// and what authentication found.
struct PostInHand {
  storage::SpooledPost post;
  pipeline::ListContext list;
  ListAddress address;             // which of the list's addresses, and its VERP or token
  std::optional<int64_t> held_id;  // set when continuing a held post
  // The DMARC policy in force for the author's domain (decides mitigation),
  // and the whole verdict when stage 2 evaluated one (admit reads it).
  dkim::DmarcPolicy author_policy = dkim::DmarcPolicy::kNone;
  std::optional<dkim::DmarcEvaluation> dmarc;
  // The ARC chain as the post arrived (what the list's seal attests), and
  // the authserv-id our results carry.
  std::optional<dkim::ArcValidation> arc;
  std::string authserv_id;
  // Results from upstream authserv-ids we trust (the MX's SPF verdict).
  std::vector<dkim::AuthenticationResults> trusted_upstream;
  PostOutcome outcome;
};

struct PostOptions {
  std::string templates_dir;    // where footer templates are looked up
  size_t batch_size = 100;      // recipients per delivery batch
  std::string actor = "listd";  // recorded with events
};

class PostOutcomes {
 public:
  // `store` must outlive this; `now` is the clock.
  PostOutcomes(storage::Store& store, PostOptions options, dkim::Clock now = dkim::SystemNow);

  // Loads post `post_id` and its list. No such post is not_found. When the
  // error is the post's own (its list is gone, its keys cannot be opened)
  // rather than the store's, `*unprocessable` is set.
  base::Result<PostInHand> Load(int64_t post_id, bool* unprocessable = nullptr);
  // Loads the post a hold keeps (not_found when there is no such hold).
  base::Result<PostInHand> LoadHeld(int64_t held_id);

  // The outcomes (see the table at the top). `recorded` is the post with
  // our Authentication-Results on top (pipeline/record.h).
  base::Result<PostOutcome> Distribute(PostInHand& post, const std::string& recorded);
  base::Result<PostOutcome> Forward(PostInHand& post, const std::string& recorded);
  base::Result<PostOutcome> Hold(PostInHand& post, const std::string& recorded,
                                 const std::string& reason);
  // `by_moderator`: a moderator decided (moderation_rejected.mustache),
  // else the admit stage did (post_rejected.mustache).
  base::Result<PostOutcome> Reject(PostInHand& post, const std::string& recorded,
                                   const std::string& reason, bool by_moderator = false);
  base::Result<PostOutcome> Discard(PostInHand& post, const std::string& reason);
  // `event` names what was recorded ("bounce.received").
  base::Result<PostOutcome> Record(PostInHand& post, const std::string& reason,
                                   const std::string& event);
  // Marks post `post_id` failed with `reason`, kept in the spool.
  base::Result<PostOutcome> Fail(int64_t post_id, const std::string& reason);

  dkim::Clock& clock() { return now_; }

 private:
  // Mails each moderator (and owner, with notify_owners_of_held) of the
  // post's list a notice of the new hold with a token to decide it by
  // reply (inbound/confirm_handler.h), in the caller's transaction.
  base::Status NotifyModerators(PostInHand& post, const std::string& recorded,
                                const std::string& reason);
  // Sets the state, drops a hold that is over, records the event, commits
  // `open` (or a transaction of its own when null).
  base::Result<PostOutcome> Finish(PostInHand& post, storage::PostState state, PostAction action,
                                   const std::string& reason, const std::string& event,
                                   storage::Transaction* open = nullptr);

  storage::Store& store_;
  PostOptions options_;
  dkim::Clock now_;
};

// The first field called `name` of `message`, unfolded and trimmed; ""
// when absent. Reads the header only (the spool holds CRLF bytes).
std::string FieldValue(std::string_view message, std::string_view name);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_POST_OUTCOMES_H_
