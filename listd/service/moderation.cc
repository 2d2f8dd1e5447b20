// ModerationService (see moderation.h).
#include "listd/service/moderation.h"

#include <utility>

#include "base/ascii.h"
#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/message.h"
#include "listd/pipeline/admit.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

// The DMARC policy in force for the domain of `message`'s From; none when
// there is no resolver or no single readable From.
dkim::DmarcPolicy AuthorPolicy(const dkim::Message& message, dkim::TxtResolver* dns) {
  if (!dns) return dkim::DmarcPolicy::kNone;
  auto from = message.FieldsNamed("From");
  if (from.size() != 1) return dkim::DmarcPolicy::kNone;
  auto mailboxes = pipeline::ParseMailboxList(from.front()->value());
  if (!mailboxes || mailboxes->empty()) return dkim::DmarcPolicy::kNone;
  // Only the policy matters here, which needs no authentication results.
  dkim::DmarcInputs inputs;
  inputs.from_domain = mailboxes->front().domain;
  return dkim::DmarcEvaluator(*dns).Evaluate(inputs).applied_policy;
}

// The authserv-id of our Authentication-Results, the recorded post's first
// field (PostOutcomes::Hold keeps the recorded bytes); "" when there is
// none (a post held before it could be authenticated).
std::string OurAuthservId(const dkim::Message& recorded) {
  const auto& fields = recorded.headers();
  if (fields.empty() || base::LowerAscii(fields.front().name) != "authentication-results") {
    return "";
  }
  auto ours = dkim::ParseAuthenticationResults(fields.front().value());
  return ours ? ours->authserv_id : "";
}

}  // namespace

ModerationService::ModerationService(storage::Store& store, PostOptions options, dkim::Clock now)
    : store_(store), outcomes_(store, std::move(options), std::move(now)) {}

base::Result<std::vector<storage::HeldPost>> ModerationService::HeldPosts(std::string_view list) {
  base::Result<storage::ListRecord> found = FindList(store_, list);
  if (!found) return found.failure();
  return store_.held().ForList(found->id);
}

base::Result<HeldDetail> ModerationService::Show(int64_t held_id) {
  auto held = store_.held().Find(held_id);
  if (!held) return held.failure();
  if (!*held) return base::NotFound("no held post " + std::to_string(held_id));
  auto post = store_.spool().Find((*held)->post_id);
  if (!post) return post.failure();
  if (!*post)
    return base::Internal("the message of held post " + std::to_string(held_id) + " is gone");
  return HeldDetail{std::move(**held), std::move(**post)};
}

base::Result<PostOutcome> ModerationService::Settle(const storage::HeldPost& held, bool release,
                                                    const std::string& why) {
  const int64_t now = outcomes_.clock()();
  return InTransaction<PostOutcome>(
      store_, "settling held post " + std::to_string(held.id), [&]() -> base::Result<PostOutcome> {
        auto recipients = release ? store_.spool().ReleaseParked(held.post_id, now)
                                  : store_.spool().DropParked(held.post_id);
        if (!recipients) return recipients.failure();
        base::Status removed = store_.held().Remove(held.id);
        if (!removed) return removed.failure();
        const std::string reason = (release ? "released after the smarthost's refusal: "
                                            : "dropped after the smarthost's refusal: ") +
                                   std::to_string(*recipients) + " recipients" +
                                   (why.empty() ? "" : " (" + why + ")");
        base::Status state = store_.spool().SetState(
            held.post_id, release ? storage::PostState::kProcessed : storage::PostState::kDiscarded,
            reason);
        if (!state) return state.failure();
        base::Status noted = store_.events().Record(
            now, "listd", held.list_id, release ? "held.release" : "held.drop",
            "post " + std::to_string(held.post_id) + " " + reason);
        if (!noted) return noted.failure();
        PostOutcome outcome;
        outcome.post_id = held.post_id;
        outcome.action = release ? PostAction::kAccepted : PostAction::kDiscarded;
        outcome.reason = reason;
        outcome.recipients = release ? static_cast<size_t>(*recipients) : 0;
        return outcome;
      });
}

namespace {

// The hold `held_id` when it is a refused post's, else none.
base::Result<std::optional<storage::HeldPost>> RefusedHold(storage::Store& store, int64_t held_id) {
  auto held = store.held().Find(held_id);
  if (!held) return held.failure();
  if (*held && (*held)->kind == storage::HoldKind::kRefused) return held;
  return std::optional<storage::HeldPost>();
}

}  // namespace

base::Result<PostOutcome> ModerationService::Approve(int64_t held_id, dkim::KeyResolver& keys,
                                                     dkim::TxtResolver* dns) {
  auto refused = RefusedHold(store_, held_id);
  if (!refused) return refused.failure();
  if (*refused) return Settle(**refused, true, "");
  auto in_hand = outcomes_.LoadHeld(held_id);
  if (!in_hand) return in_hand.failure();
  if (in_hand->address.role != AddressRole::kPost) {
    return base::Conflict("held " + std::to_string(held_id) + " is mail for the list's " +
                          std::string(ToString(in_hand->address.role)) +
                          " address, not a post; discard it (or add an owner and send it again)");
  }
  // The held bytes are the recorded ones (PostOutcomes::Hold).
  const std::string recorded = in_hand->post.message;
  // The chain is judged again on the recorded bytes (our field on top
  // changes nothing ARC signs), so the seal attests what arrived.
  if (auto parsed = dkim::Message::Parse(recorded)) {
    in_hand->author_policy = AuthorPolicy(*parsed, dns);
    in_hand->arc = dkim::ArcValidator(keys).Validate(*parsed, outcomes_.clock()());
    // The daemon's authserv-id, which the caller need not know.
    in_hand->authserv_id = OurAuthservId(*parsed);
  }
  // Without results of ours on top (a post held before it could be
  // authenticated) there is nothing for an ARC set to attest: it goes
  // signed, unsealed.
  if (in_hand->authserv_id.empty()) in_hand->arc.reset();
  auto outcome = outcomes_.Distribute(*in_hand, recorded);
  if (outcome && outcome->action == PostAction::kHeld) {
    return base::Conflict("approved, but the post still cannot be sent: " + outcome->reason);
  }
  return outcome;
}

base::Result<PostOutcome> ModerationService::Reject(int64_t held_id, const std::string& reason) {
  auto refused = RefusedHold(store_, held_id);
  if (!refused) return refused.failure();
  if (*refused) return Settle(**refused, false, reason);
  auto in_hand = outcomes_.LoadHeld(held_id);
  if (!in_hand) return in_hand.failure();
  const std::string recorded = in_hand->post.message;
  // Whether the author may hear of it is read from our results as recorded
  // (a trusted upstream's SPF verdict is the daemon's knowledge, not kept).
  if (auto parsed = dkim::Message::Parse(recorded)) in_hand->authserv_id = OurAuthservId(*parsed);
  return outcomes_.Reject(*in_hand, recorded, reason, /*by_moderator=*/true);
}

base::Result<PostOutcome> ModerationService::Discard(int64_t held_id) {
  auto refused = RefusedHold(store_, held_id);
  if (!refused) return refused.failure();
  if (*refused) return Settle(**refused, false, "discarded by a moderator");
  auto in_hand = outcomes_.LoadHeld(held_id);
  if (!in_hand) return in_hand.failure();
  return outcomes_.Discard(*in_hand, "discarded by a moderator");
}

}  // namespace listd::service
