// Delivery records (see delivery_records.h).
#include "listd/service/delivery_records.h"

#include <optional>

#include "base/email_address.h"

namespace listd::service {
namespace {

// A refusal of `recipient` of post `post_id`: an event and one more bounce
// point for the member (if they still are one).
base::Status RecordBounce(storage::Store& store, const std::string& actor, int64_t list_id,
                          int64_t post_id, const std::string& recipient, const std::string& reply,
                          int64_t now) {
  if (list_id != 0) {
    if (auto address = base::EmailAddress::Parse(recipient)) {
      auto member = store.members().Find(list_id, *address);
      if (!member) return member.failure();
      if (*member) {
        base::Status scored =
            store.members().SetBounceScore((*member)->id, (*member)->bounce_score + 1);
        if (!scored) return scored;
      }
    }
  }
  return store.events().Record(
      now, actor, list_id == 0 ? std::nullopt : std::optional<int64_t>(list_id), "delivery.bounce",
      "post " + std::to_string(post_id) + " to <" + recipient + ">: " + reply);
}

// The smarthost refused the message itself for `attempt.refused`: the post
// is marked failed with its reason (what an owner sees of the post) and an
// event says so; no member's bounce score moves.
base::Status RecordRefusal(storage::Store& store, const std::string& actor, int64_t list_id,
                           const DeliveryAttempt& attempt, int64_t now) {
  const std::string reason = "the smarthost refused the message: " + attempt.refusal;
  base::Status failed =
      store.spool().SetState(attempt.post_id, storage::PostState::kFailed, reason);
  if (!failed) return failed;
  return store.events().Record(
      now, actor, list_id == 0 ? std::nullopt : std::optional<int64_t>(list_id), "delivery.refused",
      "post " + std::to_string(attempt.post_id) + " batch " + std::to_string(attempt.batch_id) +
          ", " + std::to_string(attempt.refused.size()) + " recipients not sent: " + reason);
}

}  // namespace

base::Status RecordDeliveryAttempt(storage::Store& store, const std::string& actor,
                                   const DeliveryAttempt& attempt, int64_t now) {
  // The post tells whose members bounced; only a bounce or a refusal needs it.
  int64_t list_id = 0;
  if (!attempt.bounced.empty() || !attempt.refused.empty()) {
    auto post = store.spool().Find(attempt.post_id);
    if (!post) return post.failure();
    if (*post) list_id = (*post)->list_id;
  }
  storage::Transaction transaction = store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  for (const auto& [recipient, reply] : attempt.bounced) {
    base::Status recorded =
        RecordBounce(store, actor, list_id, attempt.post_id, recipient, reply, now);
    if (!recorded) return recorded;
  }
  if (!attempt.refused.empty()) {
    base::Status refused = RecordRefusal(store, actor, list_id, attempt, now);
    if (!refused) return refused;
  }
  base::Status updated =
      attempt.deferred.empty()
          ? store.spool().CompleteBatch(attempt.batch_id)
          : store.spool().Reschedule(attempt.batch_id, attempt.deferred, attempt.retry_at,
                                     attempt.error.empty() ? "recipients deferred" : attempt.error);
  if (!updated) return updated;
  return transaction.Commit();
}

}  // namespace listd::service
