// Delivery records (see delivery_records.h).
#include "listd/service/delivery_records.h"

#include <optional>

#include "base/email_address.h"
#include "listd/service/bounce_scoring.h"
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
  std::optional<settings::ListSettings> list_settings;
  if (!attempt.bounced.empty() || !attempt.refused.empty()) {
    auto post = store.spool().Find(attempt.post_id);
    if (!post) return post.failure();
    if (*post) list_id = (*post)->list_id;
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
