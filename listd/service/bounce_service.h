// BounceService: what mail returned to a list's -bounces address does, and
// the operations on a member's bounce state that every face shares (the
// -bounces handler, the -request `enable` command and -confirm replies,
// `listctl bounce ls` and `listctl member enable`, later the web).
//
// A RETURNED MAIL (Take), by the parser's kind (bounce_report.h):
//   bounce        the member is found by, in turn: the VERP envelope
//                 (list-bounces+user=domain@, which names them with no
//                 parsing), else each permanently failed recipient the
//                 report names; each found is scored (bounce_scoring.h).
//   complaint     an RFC 5965 report: the member is the VERP address, else
//                 the report's Original-Rcpt-To, else a recipient it names;
//                 a report whose returned message carries another list's
//                 List-Id is not ours to act on. complaint_action then
//                 unsubscribes (no goodbye), disables delivery (as
//                 disabled-by-user: the member said they want none), or
//                 only tells the owners. The member is never mailed about it.
//                 Only a report whose From is authenticated acts (feedback
//                 loops sign their reports); an unsigned one would let
//                 anyone unsubscribe anyone, so it goes to the owners'
//                 digest, changing nothing.
//   delay, auto-reply   an event; nobody's score moves (RFC 3464 delayed,
//                 RFC 3834 responders: the mailbox works).
//   not-a-bounce  nobody's score moves.
//   A bounce or complaint that names no member, and mail that is no
//   bounce, is kept for the owners' daily digest (bounce_chores.h) under
//   forward_unrecognized_bounces=on, or discarded with an event.
//   A mail to a probe's envelope (list-bounces+probe.TOKEN@) is that
//   probe's bounce when it is a bounce or unreadable, and disables the
//   member; a delay or an auto-reply to it changes nothing.
//
// Contract: each call is one transaction with its events (joining the
// caller's, when there is one: the -bounces handler commits what a bounce
// did with the post's new state); Take returns a sentence for the post's
// log line.
//
// Thread-safety: one per thread, over that thread's Store.
#ifndef LISTD_LISTD_SERVICE_BOUNCE_SERVICE_H_
#define LISTD_LISTD_SERVICE_BOUNCE_SERVICE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/bounce_report.h"
#include "listd/service/list_address.h"
#include "listd/service/list_mailer.h"
#include "storage/bounce_repository.h"
#include "storage/store.h"

namespace listd::service {

// A mail that came to -bounces, read.
struct ReturnedMail {
  int64_t post_id = 0;  // its spool row
  ListAddress address;  // the -bounces address it came to (VERP, probe token)
  BounceReport report;  // what the parser found
  std::string from;     // its From, one safe line (for the digest)
  std::string subject;  // its Subject, one safe line
  // Its From is authenticated (an aligned DKIM pass in our results, as
  // posting_auth=aligned judges a post): a complaint acts only then.
  bool authenticated = false;
};

// A member's bounce state with the list it is on, for `bounce ls`.
struct ListedBounces {
  std::string list;  // the list's address
  std::vector<storage::MemberBounce> members;
};

class BounceService {
 public:
  BounceService(storage::Store& store, std::string templates_dir, std::string actor)
      : store_(store), mailer_(store, std::move(templates_dir)), actor_(std::move(actor)) {}

  // What `mail` does to `list` at `now` (see the top); a sentence saying it.
  base::Result<std::string> Take(pipeline::ListContext& list, const ReturnedMail& mail,
                                 int64_t now);

  // Re-enables `address`'s delivery on `list` and forgets its bounce state
  // (score 0, no warnings); `via` ("listctl", "mail", "confirm") for the
  // event. not_found when the address is no member.
  base::Result<std::string> Enable(std::string_view list, const base::EmailAddress& address,
                                   const std::string& via, int64_t now);
  // The same inside the caller's transaction, for a list already loaded.
  base::Result<std::string> EnableMember(const pipeline::ListContext& list,
                                         const base::EmailAddress& address, const std::string& via,
                                         int64_t now);

  // The -request `enable` command from `address`, in the caller's
  // transaction: when `proven` (an authenticated From) it enables at once;
  // otherwise a member disabled by bounces is sent a confirmation
  // (confirm_enable.mustache, at most one an hour) whose reply enables.
  // The sentence for the requester is the same whether or not the address
  // is a disabled member, so the roster cannot be probed with it.
  base::Result<std::string> RequestEnable(pipeline::ListContext& list,
                                          const base::EmailAddress& address, bool proven,
                                          int64_t post_id, int64_t now);

  // Every member of `list` with a score, bounce state or delivery
  // disabled by bounces.
  base::Result<ListedBounces> Listed(std::string_view list);

 private:
  base::Result<std::string> TakeProbe(pipeline::ListContext& list, const ReturnedMail& mail,
                                      int64_t now);
  base::Result<std::string> TakeBounce(pipeline::ListContext& list, const ReturnedMail& mail,
                                       int64_t now);
  base::Result<std::string> TakeComplaint(pipeline::ListContext& list, const ReturnedMail& mail,
                                          int64_t now);
  // Keeps `mail` for the digest, or discards it, as the list says.
  base::Result<std::string> Unrecognized(pipeline::ListContext& list, const ReturnedMail& mail,
                                         const std::string& why, int64_t now);
  base::Status Event(int64_t list_id, const std::string& action, const std::string& detail,
                     int64_t now);

  storage::Store& store_;
  ListMailer mailer_;
  std::string actor_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_BOUNCE_SERVICE_H_
