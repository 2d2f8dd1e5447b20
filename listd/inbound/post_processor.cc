// PostProcessor (see post_processor.h for the flow and the outcomes).
#include "listd/inbound/post_processor.h"

#include <optional>

#include "base/ascii.h"
#include "base/email_address.h"
#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/message.h"
#include "listd/service/list_address.h"
#include "listd/mime/header_edit.h"
#include "listd/outbound/notice.h"
#include "listd/pipeline/admit.h"
#include "listd/pipeline/authenticate.h"
#include "listd/pipeline/decorate.h"
#include "listd/pipeline/list_context.h"
#include "listd/pipeline/queue.h"
#include "listd/pipeline/record.h"
#include "listd/pipeline/sign.h"
#include "storage/scopes.h"

namespace listd {

// The longest subject kept in a held row or a notice: enough to recognise
// a post, and far from the 998-byte line limit (RFC 5322 section 2.1.1).
constexpr size_t kMaxSubjectBytes = 200;

struct PostProcessor::Context {
  storage::SpooledPost post;
  pipeline::ListContext list;
  lmtp::AddressRole role = lmtp::AddressRole::kPost;
  std::string verp_recipient;     // for -bounces+user=domain
  std::optional<int64_t> held_id;  // set when continuing a held post
  // The DMARC policy in force for the author's domain (decides mitigation).
  dkim::DmarcPolicy author_policy = dkim::DmarcPolicy::kNone;
  // The ARC chain as the post arrived (what the list's seal attests), and
  // the authserv-id our results carry.
  std::optional<dkim::ArcValidation> arc;
  std::string authserv_id;
  PostOutcome outcome;
};

namespace {

// The first field called `name`, unfolded and trimmed; "" when absent.
// Reads the header only; the spool holds CRLF bytes (intake.cc), so no
// parse of the whole message is needed.
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

std::string Shortened(std::string text) {
  if (text.size() > kMaxSubjectBytes) text = text.substr(0, kMaxSubjectBytes) + "...";
  return text;
}

std::string LocalPartOf(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? address : address.substr(0, at);
}

pipeline::AdmitPolicy PolicyOf(const pipeline::ListContext& list) {
  pipeline::AdmitPolicy policy;
  policy.posting_policy = list.Setting("posting_policy");
  policy.nonmember_action = list.Setting("nonmember_action");
  policy.max_size = std::stoull("0" + list.Setting("max_size"));
  policy.list_id = list.ListIdLabel();
  policy.list_address = list.Address();
  return policy;
}

}  // namespace

PostProcessor::PostProcessor(storage::Store& store, dkim::KeyResolver& keys, dkim::TxtResolver* dns,
                             PipelineOptions options, dkim::Clock now)
    : store_(store), keys_(keys), dns_(dns), options_(std::move(options)), now_(std::move(now)) {}

base::Result<PostProcessor::Context> PostProcessor::Load(int64_t post_id, bool* unprocessable) {
  auto found = store_.spool().Find(post_id);
  if (!found) return base::Error{found.error()};
  if (!*found) return base::Error{"post " + std::to_string(post_id) + " does not exist"};
  Context context;
  context.post = std::move(**found);
  context.outcome.post_id = post_id;
  context.outcome.list = context.post.recipient;
  const std::string id = FieldValue(context.post.message, "Message-ID");
  context.outcome.message_id = id.empty() ? "-" : id;
  if (context.post.list_id == 0) {
    if (unprocessable) *unprocessable = true;
    return base::Error{"post " + std::to_string(post_id) + " belongs to no list (removed?)"};
  }
  auto list = pipeline::LoadListContext(store_, context.post.list_id);
  if (!list) {
    if (unprocessable) *unprocessable = true;
    return base::Error{list.error()};
  }
  context.list = std::move(*list);
  // The spooled recipient names the role; the candidate whose list part is
  // this list's local part is the one the intake matched.
  const std::string wanted = base::LowerAscii(context.list.list.address.local_part);
  for (const lmtp::ListAddress& candidate :
       lmtp::ClassifyLocalPart(LocalPartOf(context.post.recipient))) {
    if (base::LowerAscii(candidate.list_local_part) == wanted) {
      context.role = candidate.role;
      context.verp_recipient = candidate.verp_recipient;
      break;
    }
  }
  return context;
}

base::Result<PostOutcome> PostProcessor::Process(int64_t post_id) {
  bool unprocessable = false;
  auto context = Load(post_id, &unprocessable);
  if (!context && !unprocessable) return base::Error{context.error()};
  if (!context) {
    // The list is gone, or its keys cannot be opened: no stage can ever
    // take this post, so it is marked failed with the reason (and kept in
    // the spool) rather than tried again forever. A store that cannot even
    // record that is the one error left to retry.
    base::Status failed = store_.spool().SetState(post_id, "failed", context.error());
    if (!failed) return base::Error{context.error() + "; " + failed.error()};
    PostOutcome outcome;
    outcome.post_id = post_id;
    outcome.message_id = "-";
    outcome.action = "failed";
    outcome.reason = context.error();
    return outcome;
  }
  if (context->post.state != "received") {
    return base::Error{"post " + std::to_string(post_id) + " is " + context->post.state +
                       ", not waiting to be processed"};
  }
  return ProcessPost(*context);
}

base::Result<PostOutcome> PostProcessor::ProcessPost(Context& context) {
  pipeline::AuthenticateOptions authenticate;
  const std::string& list_id = context.list.Setting("authserv_id");
  authenticate.authserv_id = list_id.empty() ? options_.authserv_id : list_id;
  authenticate.trusted_authserv_ids = options_.trusted_authserv_ids;
  authenticate.now = now_();
  authenticate.dmarc_dns = dns_;
  auto auth = pipeline::Authenticate(context.post.message, authenticate, keys_);
  if (!auth) {
    context.outcome.auth = "none";
    return Hold(context, context.post.message, "cannot be authenticated: " + auth.error());
  }
  context.outcome.auth = pipeline::AuthenticationSummary(*auth);
  if (auth->dmarc) context.author_policy = auth->dmarc->applied_policy;
  context.arc = auth->arc;
  context.authserv_id = authenticate.authserv_id;
  const std::string recorded = pipeline::Record(*auth, authenticate.authserv_id);

  switch (context.role) {
    case lmtp::AddressRole::kOwner:
      return ForwardToOwners(context, recorded);
    case lmtp::AddressRole::kBounces:
      return Finish(context, "processed",
                    "bounce for " +
                        (context.verp_recipient.empty() ? std::string("an unnamed recipient")
                                                        : context.verp_recipient) +
                        " recorded (scoring comes with bounce processing)",
                    "bounce.received");
    case lmtp::AddressRole::kRequest:
    case lmtp::AddressRole::kJoin:
    case lmtp::AddressRole::kLeave:
      return Finish(context, "processed",
                    std::string("mail to the ") + std::string(lmtp::ToString(context.role)) +
                        " address is kept in the spool; commands are not handled yet",
                    "command.received");
    case lmtp::AddressRole::kPost:
      break;
  }

  const pipeline::AdmitPolicy policy = PolicyOf(context.list);
  auto facts = pipeline::GatherFacts(recorded, context.list.list.id, policy, store_.members());
  if (!facts) return Hold(context, recorded, facts.error());
  const pipeline::Verdict verdict = pipeline::Admit(*facts, policy);
  switch (verdict.action) {
    case pipeline::AdmitAction::kAccept:
      return Distribute(context, recorded);
    case pipeline::AdmitAction::kHold:
      return Hold(context, recorded, verdict.reason);
    case pipeline::AdmitAction::kReject:
      return RejectPost(context, recorded, verdict.reason);
    case pipeline::AdmitAction::kDiscard:
      return Finish(context, "discarded", verdict.reason, "post.discard");
  }
  return base::Error{"unknown admit action"};
}

base::Result<PostOutcome> PostProcessor::Distribute(Context& context, const std::string& recorded) {
  auto decorated =
      pipeline::Decorate(recorded, context.list, options_.templates_dir, context.author_policy);
  if (!decorated) return Hold(context, recorded, "cannot be decorated: " + decorated.error());
  const int64_t now = now_();
  pipeline::SealRequest seal;
  seal.chain = context.arc ? &*context.arc : nullptr;
  seal.authserv_id = context.authserv_id;
  auto signed_post = pipeline::Sign(std::move(decorated->message), context.list, now, &seal);
  if (!signed_post) return Hold(context, recorded, "cannot be signed: " + signed_post.error());

  storage::Transaction transaction(store_.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  pipeline::QueueOptions queue;
  queue.batch_size = options_.batch_size;
  queue.now = now;
  auto queued = pipeline::QueueForMembers(store_, context.post.id, context.list,
                                          signed_post->message, queue);
  if (!queued) return base::Error{queued.error()};
  context.outcome.recipients = queued->recipients;
  const std::string reason = decorated->summary + "; " + signed_post->summary;
  return Finish(context, "processed", reason, "post.accept", &transaction, "accepted");
}

base::Result<PostOutcome> PostProcessor::ForwardToOwners(Context& context,
                                                         const std::string& recorded) {
  std::vector<std::string> owners;
  for (storage::MemberRole role : {storage::MemberRole::kOwner, storage::MemberRole::kModerator}) {
    storage::MemberFilter filter;
    filter.role = role;
    base::Status listed = store_.members().ForEach(
        context.list.list.id, filter, [&](const storage::MemberRecord& member) {
          owners.push_back(member.address.local_part + "@" + member.address.domain);
          return true;
        });
    if (!listed) return base::Error{listed.error()};
  }
  if (owners.empty()) return Hold(context, recorded, "mail for the owners, but the list has none");
  storage::Transaction transaction(store_.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  pipeline::QueueOptions queue;
  queue.batch_size = options_.batch_size;
  queue.now = now_();
  // The envelope stays -bounces: a dead owner address must not bounce to
  // whoever wrote to the owners.
  auto queued = pipeline::QueueFor(store_, context.post.id, context.list.RoleAddress("bounces"),
                                   owners, recorded, queue);
  if (!queued) return base::Error{queued.error()};
  context.outcome.recipients = queued->recipients;
  return Finish(context, "processed", "forwarded to the list's owners and moderators",
                "owner.forward", &transaction, "forwarded");
}

base::Result<PostOutcome> PostProcessor::Hold(Context& context, const std::string& recorded,
                                              const std::string& reason) {
  storage::Transaction transaction(store_.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  // Kept as recorded: an approval continues with these bytes and these
  // authentication results, instead of verifying again days later.
  base::Status replaced = store_.spool().ReplaceMessage(context.post.id, recorded);
  if (!replaced) return base::Error{replaced.error()};
  if (!context.held_id) {
    storage::HeldPost held;
    held.list_id = context.list.list.id;
    held.post_id = context.post.id;
    held.reason = reason;
    held.sender = Shortened(FieldValue(recorded, "From"));
    held.subject = Shortened(FieldValue(recorded, "Subject"));
    held.held_at = now_();
    auto added = store_.held().Add(held);
    if (!added) return base::Error{added.error()};
    context.held_id = *added;
  }
  return Finish(context, "held", reason, "post.hold", &transaction, "held");
}

base::Result<PostOutcome> PostProcessor::RejectPost(Context& context, const std::string& recorded,
                                                    const std::string& reason) {
  const int64_t now = now_();
  // The envelope sender, never From: From is whatever the sender wrote, and
  // a notice to it would make the list a relay for forged mail (RFC 3834
  // section 4: responses go to the return path). A null return path (a
  // bounce) gets no notice at all.
  const std::string author = context.post.envelope_from;
  storage::Transaction transaction(store_.db());
  if (!transaction.begun()) return base::Error{transaction.begun().error()};
  if (!author.empty()) {
    NoticeRequest request;
    request.from = context.list.RoleAddress("owner");
    request.to = author;
    request.list = context.list.Address();
    request.subject = Shortened(FieldValue(recorded, "Subject"));
    request.reason = reason;
    request.message_id = "listd-reject-" + std::to_string(context.post.id) + "-" +
                         std::to_string(now) + "@" + context.list.list.address.domain;
    request.now = now;
    // Unsigned if signing fails: the notice matters more than its signature,
    // and an error here would leave the post to be retried forever.
    std::string notice = RejectionNotice(request);
    if (auto signed_notice = pipeline::Sign(notice, context.list, now)) {
      notice = std::move(signed_notice->message);
    }
    pipeline::QueueOptions queue;
    queue.now = now;
    auto queued = pipeline::QueueFor(store_, context.post.id, "", {author}, notice, queue);
    if (!queued) return base::Error{queued.error()};
    context.outcome.recipients = queued->recipients;
  }
  return Finish(context, "rejected", reason, "post.reject", &transaction, "rejected");
}

base::Result<PostOutcome> PostProcessor::Finish(Context& context, const std::string& state,
                                                const std::string& reason,
                                                const std::string& event,
                                                storage::Transaction* open,
                                                const std::string& action) {
  std::optional<storage::Transaction> own;
  if (!open) {
    own.emplace(store_.db());
    if (!own->begun()) return base::Error{own->begun().error()};
  }
  base::Status set = store_.spool().SetState(context.post.id, state, reason);
  if (!set) return base::Error{set.error()};
  if (context.held_id && state != "held") {
    base::Status removed = store_.held().Remove(*context.held_id);
    if (!removed) return base::Error{removed.error()};
  }
  base::Status recorded =
      store_.events().Record(now_(), options_.actor, context.list.list.id, event,
                             "post " + std::to_string(context.post.id) + " " +
                                 context.outcome.message_id + ": " + reason);
  if (!recorded) return base::Error{recorded.error()};
  base::Status committed = open ? open->Commit() : own->Commit();
  if (!committed) return base::Error{committed.error()};
  context.outcome.action = action.empty() ? state : action;
  context.outcome.reason = reason;
  return context.outcome;
}

base::Result<PostProcessor::Context> PostProcessor::LoadHeld(int64_t held_id) {
  auto held = store_.held().Find(held_id);
  if (!held) return base::Error{held.error()};
  if (!*held) return base::Error{"held post " + std::to_string(held_id) + " does not exist"};
  auto context = Load((*held)->post_id);
  if (!context) return context;
  context->held_id = held_id;
  return context;
}

base::Result<PostOutcome> PostProcessor::Approve(int64_t held_id) {
  auto context = LoadHeld(held_id);
  if (!context) return base::Error{context.error()};
  // Only a post may go to the members: mail held on its way to the owners
  // is private, and approving it must not broadcast it.
  if (context->role != lmtp::AddressRole::kPost) {
    return base::Error{"held " + std::to_string(held_id) + " is mail for the list's " +
                       std::string(lmtp::ToString(context->role)) +
                       " address, not a post; discard it (or add an owner and send it again)"};
  }
  // The held bytes are the recorded ones (see Hold).
  const std::string recorded = context->post.message;
  // The chain is judged again on the recorded bytes (our field on top
  // changes nothing ARC signs), so the seal attests what arrived.
  if (auto parsed = dkim::Message::Parse(recorded)) {
    context->author_policy = AuthorPolicy(*parsed);
    context->arc = dkim::ArcValidator(keys_).Validate(*parsed, now_());
    // Our Authentication-Results is the recorded post's first field (see
    // Hold); its authserv-id is the daemon's, which listctl does not know.
    const auto& fields = parsed->headers();
    if (!fields.empty() && base::LowerAscii(fields.front().name) == "authentication-results") {
      if (auto ours = dkim::ParseAuthenticationResults(fields.front().value())) {
        context->authserv_id = ours->authserv_id;
      }
    }
  }
  auto outcome = Distribute(*context, recorded);
  if (outcome && outcome->action == "held") {
    return base::Error{"approved, but the post still cannot be sent: " + outcome->reason};
  }
  return outcome;
}

dkim::DmarcPolicy PostProcessor::AuthorPolicy(const dkim::Message& message) {
  if (!dns_) return dkim::DmarcPolicy::kNone;
  auto from = message.FieldsNamed("From");
  if (from.size() != 1) return dkim::DmarcPolicy::kNone;
  auto mailboxes = pipeline::ParseMailboxList(from.front()->value());
  if (!mailboxes || mailboxes->empty()) return dkim::DmarcPolicy::kNone;
  // Only the policy matters here, which needs no authentication results.
  dkim::DmarcInputs inputs;
  inputs.from_domain = mailboxes->front().domain;
  return dkim::DmarcEvaluator(*dns_).Evaluate(inputs).applied_policy;
}

base::Result<PostOutcome> PostProcessor::Reject(int64_t held_id, const std::string& reason) {
  auto context = LoadHeld(held_id);
  if (!context) return base::Error{context.error()};
  const std::string recorded = context->post.message;
  return RejectPost(*context, recorded, reason);
}

base::Result<PostOutcome> PostProcessor::Discard(int64_t held_id) {
  auto context = LoadHeld(held_id);
  if (!context) return base::Error{context.error()};
  return Finish(*context, "discarded", "discarded by a moderator", "post.discard");
}

}  // namespace listd
