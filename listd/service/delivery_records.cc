// Delivery records (see delivery_records.h).
#include "listd/service/delivery_records.h"

#include <optional>

#include "base/email_address.h"
#include "listd/outbound/mail_writer.h"
#include "listd/service/bounce_scoring.h"
#include "listd/service/post_outcomes.h"
#include "listd/settings/list_settings.h"

namespace listd::service {
namespace {

// A refusal of `recipient` of post `post_id`: an event, and the failure
// scored as every member failure is (bounce_scoring.h: the same path as a
// returned DSN, so one failure seen twice counts once a day at most).
// Delivery gives up on a recipient only for a 5xx at RCPT time or once its
// retries ran out: both are permanent.
base::Status RecordBounce(storage::Store& store, const std::string& actor, int64_t list_id,
                          const settings::ListSettings* list_settings, int64_t post_id,
                          const std::string& recipient, const std::string& reply, int64_t now) {
  if (list_settings != nullptr) {
    if (auto address = base::EmailAddress::Parse(recipient)) {
      MemberFailure failure{*address, FailureClass::kPermanent, reply, "smtp"};
      auto scored = ScoreFailure(store, list_id, *list_settings, failure, actor, now);
      if (!scored) return scored.failure();
    }
  }
  return store.events().Record(
      now, actor, list_id == 0 ? std::nullopt : std::optional<int64_t>(list_id), "delivery.bounce",
      "post " + std::to_string(post_id) + " to <" + recipient + ">: " + reply);
}

// The smarthost refused the message itself for `attempt.refused`: the
// batch is parked with those recipients (and any still deferred: the same
// message would be refused for them too), the post is held for its owners
// with the smarthost's reason (once, however many of its batches were
// refused), and an event says how many recipients wait; no member's
// bounce score moves. An owner's release sends to exactly those recipients
// again (moderation.h); the members already delivered get nothing twice.
base::Status RecordRefusal(storage::Store& store, const std::string& actor, int64_t list_id,
                           const std::optional<storage::SpooledPost>& post,
                           const DeliveryAttempt& attempt, int64_t now) {
  const std::string reason = "the smarthost refused the message: " + attempt.refusal;
  std::vector<std::string> parked = attempt.refused;
  parked.insert(parked.end(), attempt.deferred.begin(), attempt.deferred.end());
  base::Status kept = store.spool().ParkBatch(attempt.batch_id, parked, reason);
  if (!kept) return kept;
  if (post && list_id != 0) {
    auto held = store.held().FindForPost(post->id, storage::HoldKind::kRefused);
    if (!held) return held.failure();
    if (!*held) {
      storage::HeldPost hold;
      hold.list_id = list_id;
      hold.post_id = post->id;
      hold.reason = reason;
      hold.sender = outbound::OneLineText(post->envelope_from);
      // The header only (FieldValue): the post may be megabytes.
      hold.subject = outbound::OneLineText(FieldValue(post->message, "Subject"));
      hold.held_at = now;
      hold.kind = storage::HoldKind::kRefused;
      auto added = store.held().Add(hold);
      if (!added) return added.failure();
    }
    base::Status state = store.spool().SetState(post->id, storage::PostState::kHeld, reason);
    if (!state) return state;
  }
  return store.events().Record(
      now, actor, list_id == 0 ? std::nullopt : std::optional<int64_t>(list_id), "delivery.refused",
      "post " + std::to_string(attempt.post_id) + " batch " + std::to_string(attempt.batch_id) +
          ", " + std::to_string(parked.size()) +
          " recipients held for the owners (listctl held): " + reason);
}

}  // namespace

base::Status RecordDeliveryAttempt(storage::Store& store, const std::string& actor,
                                   const DeliveryAttempt& attempt, int64_t now) {
  // The post tells whose members bounced; only a bounce or a refusal needs it.
  int64_t list_id = 0;
  std::optional<settings::ListSettings> list_settings;
  std::optional<storage::SpooledPost> post;
  if (!attempt.bounced.empty() || !attempt.refused.empty()) {
    auto found = store.spool().Find(attempt.post_id);
    if (!found) return found.failure();
    post = std::move(*found);
    if (post) list_id = post->list_id;
  }
  if (list_id != 0 && !attempt.bounced.empty()) {
    auto list = store.lists().FindById(list_id);
    if (!list) return list.failure();
    if (*list) {
      auto loaded = settings::LoadListSettings(store, **list);
      if (!loaded) return loaded.failure();
      list_settings = std::move(*loaded);
    }
  }
  storage::Transaction transaction = store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  for (const auto& [recipient, reply] : attempt.bounced) {
    base::Status recorded =
        RecordBounce(store, actor, list_id, list_settings ? &*list_settings : nullptr,
                     attempt.post_id, recipient, reply, now);
    if (!recorded) return recorded;
  }
  if (!attempt.refused.empty()) {
    base::Status refused = RecordRefusal(store, actor, list_id, post, attempt, now);
    if (!refused) return refused;
    return transaction.Commit();  // the batch stays, parked
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
