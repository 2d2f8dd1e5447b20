// ConfirmHandler (see confirm_handler.h).
#include "listd/inbound/confirm_handler.h"

#include <charconv>

#include "base/ascii.h"
#include "listd/inbound/moderation_reply.h"
#include "listd/service/confirmation_tokens.h"

namespace listd::inbound {
namespace {

bool Moderates(storage::Store& store, int64_t list_id, const base::EmailAddress& address,
               base::Result<bool>* failed) {
  auto member = store.members().Find(list_id, address);
  if (!member) {
    *failed = member.failure();
    return false;
  }
  return *member && ((*member)->role == storage::MemberRole::kModerator ||
                     (*member)->role == storage::MemberRole::kOwner);
}

std::optional<int64_t> PayloadId(const std::string& payload) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
  if (ec != std::errc() || end != payload.data() + payload.size()) return std::nullopt;
  return id;
}

// A moderator's answer as the reply's sentence; store failures pass on.
base::Result<std::string> Decided(const base::Result<service::PostOutcome>& outcome,
                                  const std::string& done) {
  if (outcome) return done;
  if (base::IsSystemFailure(outcome.failure())) return outcome.failure();
  return "could not be done: " + outcome.error();
}

}  // namespace

base::Result<service::RequestAnswer> ConfirmByToken(CommandServices& services,
                                                    service::PostInHand& post,
                                                    const std::string& token, int64_t now) {
  using service::Answer;
  auto checked = service::CheckToken(services.store, token, post.list.list.id, now);
  if (!checked) return checked.failure();
  if (checked->check != service::TokenCheck::kValid) {
    return service::RequestAnswer{Answer::kNothingToDo, "not done: " + checked->problem};
  }
  const std::string& purpose = checked->record.purpose;
  if (purpose == service::kEnablePurpose) {
    auto address = base::EmailAddress::Parse(checked->record.address);
    if (!address)
      return service::RequestAnswer{Answer::kNothingToDo, "not done: " + address.error()};
    auto used = service::UseToken(services.store, token, now);
    if (!used) return used.failure();
    if (!*used) {
      return service::RequestAnswer{Answer::kNothingToDo,
                                    "not done: this confirmation was already used"};
    }
    auto enabled = services.bounces.EnableMember(post.list, *address, "confirm", now);
    if (!enabled && base::IsSystemFailure(enabled.failure())) return enabled.failure();
    return service::RequestAnswer{Answer::kNothingToDo,
                                  enabled ? *enabled : "not done: " + enabled.error()};
  }
  if (purpose == service::kBounceProbePurpose) {
    return service::RequestAnswer{Answer::kNothingToDo,
                                  "not done: this token belongs to a bounce probe, not a reply"};
  }
  if (purpose != service::kJoinPurpose && purpose != service::kLeavePurpose) {
    return service::RequestAnswer{
        Answer::kNothingToDo,
        "not done: this token is a moderator's; reply to the notice it came with"};
  }
  return Answered(
      services.subscriptions.Confirm(post.list, token, checked->record, post.post.id, now));
}

base::Result<service::PostOutcome> ConfirmHandler::Handle(service::PostInHand& post,
                                                          const std::string& recorded) {
  const AnswerVerdict guard = GuardOf(post, recorded);
  if (!guard.may_answer) return Unanswered(services_, post, guard);
  const int64_t now = services_.outcomes.clock()();
  const std::string token = post.address.confirm_token;
  const std::string shown = "reply to " + post.list.list.address.local_part + "-confirm+...";

  auto checked = service::CheckToken(services_.store, token, post.list.list.id, now);
  if (!checked) return checked.failure();
  const std::string& purpose = checked->record.purpose;
  const bool for_moderator =
      checked->check == service::TokenCheck::kValid &&
      (purpose == service::kModerateJoinPurpose || purpose == service::kModeratePostPurpose);

  std::vector<ReplyLine> lines;
  bool with_help = false;
  std::string summary;
  if (!for_moderator) {
    // A subscriber's confirmation, or a token that cannot be used.
    storage::Transaction transaction = services_.store.Begin();
    if (!transaction.begun()) return transaction.begun().failure();
    auto said = ConfirmByToken(services_, post, token, now);
    if (!said) return said.failure();
    summary = "confirmation: " + said->text;
    // A welcome or goodbye already went to the address; a reply is for
    // what else came of it (a token refused, a moderator now to decide).
    const bool mailed_already =
        said->answer == service::Answer::kJoined || said->answer == service::Answer::kLeft;
    if (!mailed_already) {
      lines.push_back({shown, said->text});
      auto replied = SendReply(services_, post, recorded, lines, false, now);
      if (!replied) return replied.failure();
    }
    auto outcome = services_.outcomes.Record(post, summary, "command.confirm");
    if (!outcome) return outcome;
    base::Status committed = transaction.Commit();
    if (!committed) return committed.failure();
    return outcome;
  }

  // A moderator's reply.
  const CommandAuthor author = AuthorOf(post, recorded);
  base::Result<bool> failed = true;
  const bool moderates =
      author.address && Moderates(services_.store, post.list.list.id, *author.address, &failed);
  if (!failed) return failed.failure();
  const ModerationReply reply = ParseModerationReply(recorded);
  std::string result;
  if (!moderates) {
    result = "not done: only a moderator or an owner of the list can decide this";
  } else if (reply.verb == ModerationVerb::kNone) {
    result =
        "nothing was decided: the reply's first line must be approve, reject [reason] or "
        "discard";
    with_help = true;
  } else if (purpose == service::kModerateJoinPurpose && reply.verb == ModerationVerb::kDiscard) {
    result = "nothing was decided: a subscription request is approved or rejected";
  } else {
    const std::optional<int64_t> id = PayloadId(checked->record.payload);
    auto used = service::UseToken(services_.store, token, now);
    if (!used) return used.failure();
    if (!id || !*used) {
      result = "not done: this confirmation token was already used";
    } else if (purpose == service::kModerateJoinPurpose) {
      auto answer =
          Answered(reply.verb == ModerationVerb::kApprove
                       ? services_.subscriptions.Approve(*id, post.post.id, now)
                       : services_.subscriptions.Reject(*id, reply.reason, post.post.id, now));
      if (!answer) return answer.failure();
      result = answer->text;
    } else {
      // The other moderators' tokens for this post end with this decision.
      base::Status retired = services_.store.tokens().UseAllFor(
          std::string(service::kModeratePostPurpose), checked->record.payload, now);
      if (!retired) return retired.failure();
      base::Result<std::string> decided = std::string();
      switch (reply.verb) {
        case ModerationVerb::kApprove:
          decided = Decided(services_.moderation.Approve(*id, services_.keys, services_.dns),
                            "held post " + std::to_string(*id) + " approved and sent to the list");
          break;
        case ModerationVerb::kReject:
          decided =
              Decided(services_.moderation.Reject(
                          *id, reply.reason.empty() ? "rejected by a moderator" : reply.reason),
                      "held post " + std::to_string(*id) + " rejected");
          break;
        case ModerationVerb::kDiscard:
        case ModerationVerb::kNone:
          decided = Decided(services_.moderation.Discard(*id),
                            "held post " + std::to_string(*id) + " discarded");
          break;
      }
      if (!decided) return decided.failure();
      result = *decided;
    }
  }
  summary = "moderator reply from " +
            (author.address ? author.address->ToString() : std::string("(no From)")) + ": " +
            result;
  base::Status noted = services_.store.events().Record(now, "listd", post.list.list.id,
                                                       "moderation.by_mail", summary);
  if (!noted) return noted.failure();
  storage::Transaction transaction = services_.store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  lines.push_back({shown, result});
  auto replied = SendReply(services_, post, recorded, lines, with_help, now);
  if (!replied) return replied.failure();
  auto outcome = services_.outcomes.Record(post, summary, "command.moderate");
  if (!outcome) return outcome;
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return outcome;
}

}  // namespace listd::inbound
