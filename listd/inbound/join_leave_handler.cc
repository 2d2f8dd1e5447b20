// JoinLeaveHandler (see join_leave_handler.h).
#include "listd/inbound/join_leave_handler.h"

namespace listd::inbound {

base::Result<service::PostOutcome> JoinLeaveHandler::Handle(service::PostInHand& post,
                                                            const std::string& recorded) {
  const AnswerVerdict guard = GuardOf(post, recorded);
  if (!guard.may_answer) return Unanswered(services_, post, guard);
  const int64_t now = services_.outcomes.clock()();
  const bool join = post.address.role == service::AddressRole::kJoin;
  const std::string asked = join ? "join" : "leave";
  const CommandAuthor author = AuthorOf(post, recorded);

  storage::Transaction transaction = services_.store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  service::RequestAnswer answer;
  if (!author.address) {
    answer = {service::Answer::kNothingToDo, "not done: " + author.problem};
  } else {
    service::Requester who;
    who.address = *author.address;
    who.proven = author.proven;
    who.via = "mail";
    who.post_id = post.post.id;
    auto asked_for = Answered(join ? services_.subscriptions.RequestJoin(post.list, who, now)
                                   : services_.subscriptions.RequestLeave(post.list, who, now));
    if (!asked_for) return asked_for.failure();
    answer = *asked_for;
  }
  // A throttled request is answered by nothing at all: the list is being
  // used to send mail in bulk, and a reply would be more of it.
  const bool answered_by_mail = answer.answer == service::Answer::kConfirmationSent ||
                                answer.answer == service::Answer::kJoined ||
                                answer.answer == service::Answer::kLeft ||
                                answer.answer == service::Answer::kThrottled;
  if (!answered_by_mail) {
    auto replied = SendReply(services_, post, recorded, {{asked, answer.text}}, false, now);
    if (!replied) return replied.failure();
  }
  auto outcome = services_.outcomes.Record(post, asked + ": " + answer.text, "command." + asked);
  if (!outcome) return outcome;
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return outcome;
}

}  // namespace listd::inbound
