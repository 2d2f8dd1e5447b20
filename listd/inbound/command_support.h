// What the three command handlers share (mail to -request, to -join and
// -leave, to -confirm+TOKEN): the services they call, who wrote the mail
// and whether that is proven, the guard against answering what must not
// be answered, and the one reply a command mail gets.
//
// STANDARDS
//   RFC 3834 section 2 (which mail is never answered: answer_guard.h) and
//   section 4 (the reply goes to the return path, the envelope sender,
//   never to From or Reply-To), section 5 (Auto-Submitted: auto-replied);
//   RFC 5322 section 3.6.4 (In-Reply-To, References of the reply).
// LIMITS
//   kMaxRepliesPerHour replies to one address per list an hour: a forged
//   return path must not turn the list into a mail bomb; past it the
//   command is still carried out, and the reply not sent is an event.
//
// Thread-safety: one per pipeline thread.
#ifndef LISTD_LISTD_INBOUND_COMMAND_SUPPORT_H_
#define LISTD_LISTD_INBOUND_COMMAND_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "dkim/key_resolver.h"
#include "dkim/txt_resolver.h"
#include "listd/inbound/answer_guard.h"
#include "listd/service/bounce_service.h"
#include "listd/service/list_mailer.h"
#include "listd/service/moderation.h"
#include "listd/service/post_outcomes.h"
#include "listd/service/subscription_service.h"
#include "storage/store.h"

namespace listd::inbound {

inline constexpr int64_t kMaxRepliesPerHour = 10;

// The services and resolvers a command handler works with; all must
// outlive it.
struct CommandServices {
  storage::Store& store;
  service::PostOutcomes& outcomes;
  service::SubscriptionService& subscriptions;
  service::ModerationService& moderation;
  service::ListMailer& mailer;
  service::BounceService& bounces;
  dkim::KeyResolver& keys;  // an approved post's ARC chain is checked again
  dkim::TxtResolver* dns;   // and its author domain's DMARC policy looked up
};

// The author of a command mail: the From address, and whether the mail
// proves to come from it, as posting_auth=aligned judges a post (a DKIM
// signature that passed, aligned with its domain, or a trusted upstream
// dmarc=pass for it: pipeline/sender_auth.h's AuthenticateAuthor).
struct CommandAuthor {
  std::optional<base::EmailAddress> address;  // absent: no usable From
  bool proven = false;
  std::string problem;  // why there is no address
};
CommandAuthor AuthorOf(const service::PostInHand& post, const std::string& recorded);

// Whether the command mail may be answered at all (answer_guard.h).
AnswerVerdict GuardOf(const service::PostInHand& post, const std::string& recorded);

// A service's answer to a command: a value as it is, a failure of the
// system (base::IsSystemFailure) passed on so the mail is tried again,
// any other error the answer "could not be done: <why>" (kNothingToDo).
base::Result<service::RequestAnswer> Answered(base::Result<service::RequestAnswer> answer);

// One line of a reply: what was asked, what came of it.
struct ReplyLine {
  std::string command;
  std::string result;
};

// Writes the one reply (command_reply.mustache, with help.mustache's text
// when `with_help`) to the envelope sender. Returns whether it was sent
// (false: past kMaxRepliesPerHour, recorded as an event).
base::Result<bool> SendReply(CommandServices& services, service::PostInHand& post,
                             const std::string& recorded, const std::vector<ReplyLine>& lines,
                             bool with_help, int64_t now);

// The outcome for a command mail the guard refused: recorded, unanswered.
base::Result<service::PostOutcome> Unanswered(CommandServices& services, service::PostInHand& post,
                                              const AnswerVerdict& verdict);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_COMMAND_SUPPORT_H_
