// PostOutcomes (see post_outcomes.h for the table of outcomes).
#include "listd/service/post_outcomes.h"

#include <utility>

#include "base/ascii.h"
#include "listd/mime/header_edit.h"
#include "listd/outbound/mail_writer.h"
#include "listd/pipeline/decorate.h"
#include "listd/pipeline/queue.h"
#include "listd/pipeline/sender_auth.h"
#include "listd/pipeline/sign.h"
#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_lookup.h"
#include "listd/service/list_mailer.h"

namespace listd::service {
namespace {

// The longest subject kept in a held row or a notice: enough to recognise
// a post, and far from the 998-byte line limit (RFC 5322 section 2.1.1).
constexpr size_t kMaxSubjectBytes = 200;

std::string Shortened(std::string text) {
  if (text.size() > kMaxSubjectBytes) text = text.substr(0, kMaxSubjectBytes) + "...";
  return text;
}

// A held post larger than this is described in the moderators' notice
// but not attached: a 50 MB post held for its size must not become 50 MB
// for every moderator.
constexpr size_t kMaxAttachedBytes = 2 * 1024 * 1024;

// "830 bytes", "12 KB", "3.4 MB": what a moderator reads in a notice.
std::string SizeText(size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  if (bytes < 1024 * 1024) return std::to_string((bytes + 512) / 1024) + " KB";
  const size_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

std::string LocalPartOf(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? address : address.substr(0, at);
}

}  // namespace

std::string_view ToString(PostAction action) {
  switch (action) {
    case PostAction::kAccepted:
      return "accepted";
    case PostAction::kForwarded:
      return "forwarded";
    case PostAction::kHeld:
      return "held";
    case PostAction::kRejected:
      return "rejected";
    case PostAction::kDiscarded:
      return "discarded";
    case PostAction::kRecorded:
      return "recorded";
    case PostAction::kFailed:
      return "failed";
  }
  return "failed";
}

std::string FieldValue(std::string_view message, std::string_view name) {
  const std::optional<std::string> raw = mime::GetFieldValue(message, name);
  if (!raw) return "";
  std::string value;
  for (char c : *raw) {
    if (c == '\r' || c == '\n') continue;
    value += c == '\t' ? ' ' : c;
  }
  const size_t begin = value.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  const size_t end = value.find_last_not_of(' ');
  return value.substr(begin, end - begin + 1);
}

PostOutcomes::PostOutcomes(storage::Store& store, PostOptions options, dkim::Clock now)
    : store_(store), options_(std::move(options)), now_(std::move(now)) {}

base::Result<PostInHand> PostOutcomes::Load(int64_t post_id, bool* unprocessable) {
  auto found = store_.spool().Find(post_id);
  if (!found) return found.failure();
  if (!*found) return base::NotFound("post " + std::to_string(post_id) + " does not exist");
  PostInHand in_hand;
  in_hand.post = std::move(**found);
  in_hand.outcome.post_id = post_id;
  in_hand.outcome.list = in_hand.post.recipient;
  const std::string id = FieldValue(in_hand.post.message, "Message-ID");
  in_hand.outcome.message_id = id.empty() ? "-" : id;
  if (in_hand.post.list_id == 0) {
    if (unprocessable) *unprocessable = true;
    return base::NotFound("post " + std::to_string(post_id) + " belongs to no list (removed?)");
  }
  auto list = pipeline::LoadListContext(store_, in_hand.post.list_id);
  if (!list) {
    if (unprocessable) *unprocessable = true;
    return list.failure();
  }
  in_hand.list = std::move(*list);
  // The spooled recipient names the address; the reading whose list part
  // is this list's local part is the one the intake matched.
  const std::string wanted = base::LowerAscii(in_hand.list.list.address.local_part);
  for (ListAddress& candidate : ClassifyLocalPart(LocalPartOf(in_hand.post.recipient))) {
    if (base::LowerAscii(candidate.list_local_part) == wanted) {
      in_hand.address = std::move(candidate);
      break;
    }
  }
  return in_hand;
}

base::Result<PostInHand> PostOutcomes::LoadHeld(int64_t held_id) {
  auto held = store_.held().Find(held_id);
  if (!held) return held.failure();
  if (!*held) return base::NotFound("no held post " + std::to_string(held_id));
  auto in_hand = Load((*held)->post_id);
  if (!in_hand) return in_hand;
  in_hand->held_id = held_id;
  return in_hand;
}

base::Result<PostOutcome> PostOutcomes::Distribute(PostInHand& post, const std::string& recorded) {
  auto decorated =
      pipeline::Decorate(recorded, post.list, options_.templates_dir, post.author_policy);
  if (!decorated) return Hold(post, recorded, "cannot be decorated: " + decorated.error());
  const int64_t now = now_();
  pipeline::SealRequest seal;
  seal.chain = post.arc ? &*post.arc : nullptr;
  seal.authserv_id = post.authserv_id;
  auto signed_post = pipeline::Sign(std::move(decorated->message), post.list, now, &seal);
  if (!signed_post) return Hold(post, recorded, "cannot be signed: " + signed_post.error());

  storage::Transaction transaction = store_.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  pipeline::QueueOptions queue;
  queue.batch_size = options_.batch_size;
  queue.now = now;
  auto queued =
      pipeline::QueueForMembers(store_, post.post.id, post.list, signed_post->message, queue);
  if (!queued) return queued.failure();
  post.outcome.recipients = queued->recipients;
  const std::string reason = decorated->summary + "; " + signed_post->summary;
  return Finish(post, storage::PostState::kProcessed, PostAction::kAccepted, reason, "post.accept",
                &transaction);
}

base::Result<PostOutcome> PostOutcomes::Forward(PostInHand& post, const std::string& recorded) {
  auto owners = AddressesWithRoles(store_, post.list.list.id,
                                   {storage::MemberRole::kOwner, storage::MemberRole::kModerator});
  if (!owners) return owners.failure();
  if (owners->empty()) return Hold(post, recorded, "mail for the owners, but the list has none");
  storage::Transaction transaction = store_.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  pipeline::QueueOptions queue;
  queue.batch_size = options_.batch_size;
  queue.now = now_();
  // The envelope stays -bounces: a dead owner address must not bounce to
  // whoever wrote to the owners.
  auto queued = pipeline::QueueFor(store_, post.post.id, post.list.RoleAddress("bounces"), *owners,
                                   recorded, queue);
  if (!queued) return queued.failure();
  post.outcome.recipients = queued->recipients;
  return Finish(post, storage::PostState::kProcessed, PostAction::kForwarded,
                "forwarded to the list's owners and moderators", "owner.forward", &transaction);
}

base::Result<PostOutcome> PostOutcomes::Hold(PostInHand& post, const std::string& recorded,
                                             const std::string& reason) {
  storage::Transaction transaction = store_.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  // Kept as recorded: an approval continues with these bytes and these
  // authentication results, instead of verifying again days later.
  base::Status replaced = store_.spool().ReplaceMessage(post.post.id, recorded);
  if (!replaced) return replaced.failure();
  if (!post.held_id) {
    storage::HeldPost held;
    held.list_id = post.list.list.id;
    held.post_id = post.post.id;
    held.reason = reason;
    held.sender = Shortened(FieldValue(recorded, "From"));
    held.subject = Shortened(FieldValue(recorded, "Subject"));
    held.held_at = now_();
    auto added = store_.held().Add(held);
    if (!added) return added.failure();
    post.held_id = *added;
    base::Status notified = NotifyModerators(post, recorded, reason);
    if (!notified) return notified.failure();
  }
  return Finish(post, storage::PostState::kHeld, PostAction::kHeld, reason, "post.hold",
                &transaction);
}

base::Status PostOutcomes::NotifyModerators(PostInHand& post, const std::string& recorded,
                                            const std::string& reason) {
  std::vector<storage::MemberRole> roles = {storage::MemberRole::kModerator};
  if (post.list.settings.notify_owners_of_held()) roles.push_back(storage::MemberRole::kOwner);
  auto moderators = AddressesWithRoles(store_, post.list.list.id, roles);
  if (!moderators) return moderators.failure();
  const int64_t now = now_();
  ListMailer mailer(store_, options_.templates_dir);
  const std::string held_id = std::to_string(*post.held_id);
  const bool attach = recorded.size() <= kMaxAttachedBytes;
  for (const std::string& moderator : *moderators) {
    auto token = IssueToken(store_, post.list.list.id, kModeratePostPurpose, moderator, held_id,
                            now, post.list.settings.pending_request_life());
    if (!token) return token.failure();
    const std::string confirm_address = post.list.RoleAddress("confirm+" + *token);
    ListMail mail;
    mail.kind = "held-notice";
    mail.template_name = "held_notice.mustache";
    auto& text = mail.values.text;
    text["reason"] = outbound::OneLineText(reason, 500);
    text["author"] = outbound::OneLineText(FieldValue(recorded, "From"));
    text["subject"] = outbound::OneLineText(FieldValue(recorded, "Subject"));
    text["size"] = SizeText(post.post.message.size());
    text["auth_results"] =
        outbound::OneLineText(FieldValue(recorded, "Authentication-Results"), 900);
    text["held_id"] = held_id;
    text["confirm_address"] = confirm_address;
    if (!attach) text["not_attached"] = "yes";
    mail.headers.from = post.list.RoleAddress("owner");
    mail.headers.to = moderator;
    mail.headers.reply_to = confirm_address;
    mail.headers.subject = "Held for moderation on " + post.list.Address() + ": " +
                           outbound::OneLineText(FieldValue(recorded, "Subject"), 120);
    if (attach) mail.attached = recorded;
    auto sent = mailer.Send(post.list, post.post.id, std::move(mail), now);
    // A notice that cannot be written (a site template that does not
    // render) must not keep the post from being held: the hold stands,
    // listctl held shows it, and the event says why no mail went.
    if (!sent) {
      if (sent.failure().kind != base::ErrorKind::kInvalid &&
          sent.failure().kind != base::ErrorKind::kNotFound &&
          sent.failure().kind != base::ErrorKind::kForbidden) {
        return sent.failure();
      }
      return store_.events().Record(now, options_.actor, post.list.list.id,
                                    "moderation.notice_failed",
                                    "no notice for held post " + held_id + ": " + sent.error());
    }
  }
  return base::Ok();
}

base::Result<PostOutcome> PostOutcomes::Reject(PostInHand& post, const std::string& recorded,
                                               const std::string& reason, bool by_moderator) {
  const int64_t now = now_();
  // The envelope sender, never From: From is whatever the sender wrote, and
  // a notice to it would make the list a relay for forged mail (RFC 3834
  // section 4: responses go to the return path). A null return path (a
  // bounce) gets no notice at all.
  const std::string author = post.post.envelope_from;
  const pipeline::SenderVerdict sender =
      pipeline::AuthenticateSender(author, recorded, post.authserv_id, post.trusted_upstream);
  storage::Transaction transaction = store_.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  std::string why = reason;
  if (!sender.authenticated) why += "; no notice sent: " + sender.detail;
  if (sender.authenticated) {
    ListMail mail;
    mail.kind = "rejection";
    mail.template_name = by_moderator ? "moderation_rejected.mustache" : "post_rejected.mustache";
    mail.values.text["subject"] = outbound::OneLineText(FieldValue(recorded, "Subject"));
    mail.values.text["reason"] = outbound::OneLineText(reason, 500);
    mail.headers.from = post.list.RoleAddress("owner");
    mail.headers.to = author;
    mail.headers.subject = "Your message to " + post.list.Address() + " was rejected";
    mail.headers.auto_submitted = "auto-replied";
    mail.null_return_path = true;
    ListMailer mailer(store_, options_.templates_dir);
    auto sent = mailer.Send(post.list, post.post.id, std::move(mail), now);
    if (sent) {
      post.outcome.recipients = 1;
    } else if (base::IsSystemFailure(sent.failure())) {
      return sent.failure();
    } else {
      // The rejection stands without its notice (a site template that does
      // not render, an author address the writer refuses), and says so.
      why += "; no notice sent: " + sent.error();
    }
  }
  return Finish(post, storage::PostState::kRejected, PostAction::kRejected, why, "post.reject",
                &transaction);
}

base::Result<PostOutcome> PostOutcomes::Discard(PostInHand& post, const std::string& reason) {
  return Finish(post, storage::PostState::kDiscarded, PostAction::kDiscarded, reason,
                "post.discard");
}

base::Result<PostOutcome> PostOutcomes::Record(PostInHand& post, const std::string& reason,
                                               const std::string& event) {
  return Finish(post, storage::PostState::kProcessed, PostAction::kRecorded, reason, event);
}

base::Result<PostOutcome> PostOutcomes::Fail(int64_t post_id, const std::string& reason) {
  // No event: the list the event would belong to may be the thing gone.
  base::Status failed = store_.spool().SetState(post_id, storage::PostState::kFailed, reason);
  if (!failed) return failed.failure().Prefixed(reason);
  PostOutcome outcome;
  outcome.post_id = post_id;
  outcome.message_id = "-";
  outcome.action = PostAction::kFailed;
  outcome.reason = reason;
  return outcome;
}

base::Result<PostOutcome> PostOutcomes::Finish(PostInHand& post, storage::PostState state,
                                               PostAction action, const std::string& reason,
                                               const std::string& event,
                                               storage::Transaction* open) {
  std::optional<storage::Transaction> own;
  if (!open) {
    own.emplace(store_.Begin());
    if (!own->begun()) return own->begun().failure();
  }
  base::Status set = store_.spool().SetState(post.post.id, state, reason);
  if (!set) return set.failure();
  if (post.held_id && state != storage::PostState::kHeld) {
    base::Status removed = store_.held().Remove(*post.held_id);
    if (!removed) return removed.failure();
  }
  base::Status recorded = store_.events().Record(
      now_(), options_.actor, post.list.list.id, event,
      "post " + std::to_string(post.post.id) + " " + post.outcome.message_id + ": " + reason);
  if (!recorded) return recorded.failure();
  base::Status committed = open ? open->Commit() : own->Commit();
  if (!committed) return committed.failure();
  post.outcome.action = action;
  post.outcome.reason = reason;
  return post.outcome;
}

}  // namespace listd::service
