// PostProcessor: one spooled post's way through the pipeline, from the
// spool row the intake committed to its outcome in the store.
//
//   authenticate -> record -> admit -> decorate -> sign -> queue
//
// (listd/pipeline/*.h, one stage each; DESIGN.md "A post's way through the
// house"). Verification happens before any change and signing after the
// last one (RFC 6377 section 5, RFC 5585 section 2.6.3).
//
// What reaches each list address:
//   list@       a post: the whole pipeline
//   -owner@     forwarded to the list's owners and moderators, with our
//               Authentication-Results, undecorated and unsigned by the list
//   -bounces@   recorded as a bounce for the VERP-named member (scoring and
//               DSN parsing come with bounce processing)
//   -request@, -join@, -leave@
//               kept in the spool, marked as not handled yet (command
//               processing comes with subscriptions)
//
// Outcomes, each committed in one transaction with the post's new state and
// an event: accepted (batches queued), held (a held row with the reason;
// the post keeps its recorded bytes so an approval continues from there),
// rejected (a notice to the author), discarded. A post that a stage cannot
// process (unparseable, a template error) is held with the stage's reason,
// never dropped; a post whose list is gone (or whose keys cannot be
// opened) is marked "failed" with the reason and kept in the spool. Only a
// store failure leaves the post "received", to be
// retried.
//
// Thread-safety: one PostProcessor per thread, over that thread's Store.
#ifndef LISTD_LISTD_POST_PROCESSOR_H_
#define LISTD_LISTD_POST_PROCESSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "dkim/dmarc_record.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/txt_resolver.h"
#include "storage/store.h"

namespace listd {

struct PipelineOptions {
  std::string authserv_id;                        // ours, in Authentication-Results
  std::vector<std::string> trusted_authserv_ids;  // upstream results we keep
  std::string templates_dir;                      // where footer templates are looked up
  size_t batch_size = 100;                        // recipients per delivery batch
  std::string actor = "listd";                    // recorded with events
};

// What became of a post, for the one log line per post.
struct PostOutcome {
  int64_t post_id = 0;
  std::string message_id;  // the post's Message-ID, or "-"
  std::string list;        // the address it came in for
  std::string auth;        // "dkim=pass(example.org)"
  std::string action;      // "accepted", "held", "rejected", "discarded", "forwarded", ...
  std::string reason;      // why it was held/rejected/discarded; what signing did
  size_t recipients = 0;
};

class PostProcessor {
 public:
  // `store`, `keys` and `dns` must outlive the processor; `dns` looks up
  // DMARC policies (null: none is looked up, no mitigation applies unless
  // the list mitigates unconditionally). `now` is the clock.
  PostProcessor(storage::Store& store, dkim::KeyResolver& keys, dkim::TxtResolver* dns,
                PipelineOptions options, dkim::Clock now = dkim::SystemNow);

  // Runs a post in state "received" through the pipeline.
  base::Result<PostOutcome> Process(int64_t post_id);
  // Continues a held post after a moderator's approval: decorate, sign,
  // queue; the hold goes. The author domain's DMARC policy is looked up
  // again (it decides the mitigation, and may have changed meanwhile).
  base::Result<PostOutcome> Approve(int64_t held_id);
  // Rejects a held post: the author gets a notice with `reason`.
  base::Result<PostOutcome> Reject(int64_t held_id, const std::string& reason);
  // Discards a held post without a word to anyone.
  base::Result<PostOutcome> Discard(int64_t held_id);

 private:
  struct Context;
  // Loads a post and its list; `unprocessable` (if given) is set when the
  // error is the post's own (no list, keys that cannot be opened), not the
  // store's.
  base::Result<Context> Load(int64_t post_id, bool* unprocessable = nullptr);
  base::Result<Context> LoadHeld(int64_t held_id);
  // The DMARC policy in force for the domain of `message`'s From.
  dkim::DmarcPolicy AuthorPolicy(const dkim::Message& message);
  base::Result<PostOutcome> ProcessPost(Context& context);
  // The outcomes; each commits the post's new state with its event.
  base::Result<PostOutcome> Distribute(Context& context, const std::string& recorded);
  base::Result<PostOutcome> ForwardToOwners(Context& context, const std::string& recorded);
  base::Result<PostOutcome> Hold(Context& context, const std::string& recorded,
                                 const std::string& reason);
  base::Result<PostOutcome> RejectPost(Context& context, const std::string& recorded,
                                       const std::string& reason);
  // Sets the state, drops a hold that is over, records the event, commits
  // `open` (or a transaction of its own when null).
  base::Result<PostOutcome> Finish(Context& context, const std::string& state,
                                   const std::string& reason, const std::string& event,
                                   storage::Transaction* open = nullptr,
                                   const std::string& action = "");

  storage::Store& store_;
  dkim::KeyResolver& keys_;
  dkim::TxtResolver* dns_;
  PipelineOptions options_;
  dkim::Clock now_;
};

}  // namespace listd

#endif  // LISTD_LISTD_POST_PROCESSOR_H_
