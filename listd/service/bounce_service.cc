// BounceService (see bounce_service.h).
#include "listd/service/bounce_service.h"

#include <optional>

#include "base/ascii.h"
#include "listd/service/bounce_scoring.h"
#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

constexpr const char* kConfirmEnableKind = "confirm-enable";

// The first recipient of `report` that failed permanently, if any.
const BounceRecipient* FirstPermanent(const BounceReport& report) {
  for (const BounceRecipient& recipient : report.recipients) {
    if (recipient.failure_class == FailureClass::kPermanent) return &recipient;
  }
  return nullptr;
}

std::string Named(const BounceReport& report) {
  std::string named;
  for (const BounceRecipient& recipient : report.recipients) {
    if (named.size() > 200) {
      named += ", ...";
      break;
    }
    named += (named.empty() ? "" : ", ") + recipient.address;
  }
  return named.empty() ? "nobody" : named;
}

// Whether a List-Id field value names `label` ("Demo <demo.example.org>"
// or the bare label), compared without regard to case (RFC 2919 section 3).
bool NamesListId(std::string_view field, std::string_view label) {
  std::string lower = base::LowerAscii(field);
  std::string wanted = base::LowerAscii(label);
  size_t open = lower.rfind('<');
  size_t close = lower.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return lower.substr(open + 1, close - open - 1) == wanted;
  }
  size_t start = lower.find_first_not_of(" \t");
  size_t end = lower.find_last_not_of(" \t");
  return start != std::string::npos && lower.substr(start, end - start + 1) == wanted;
}

}  // namespace

base::Status BounceService::Event(int64_t list_id, const std::string& action,
                                  const std::string& detail, int64_t now) {
  return store_.events().Record(now, actor_, list_id, action, detail);
}

base::Result<std::string> BounceService::Take(pipeline::ListContext& list, const ReturnedMail& mail,
                                              int64_t now) {
  return InTransaction<std::string>(
      store_, "taking the bounce in post " + std::to_string(mail.post_id),
      [&]() -> base::Result<std::string> {
        if (!mail.address.probe_token.empty()) return TakeProbe(list, mail, now);
        switch (mail.report.kind) {
          case BounceKind::kBounce:
            return TakeBounce(list, mail, now);
          case BounceKind::kComplaint:
            return TakeComplaint(list, mail, now);
          case BounceKind::kDelay:
          case BounceKind::kAutoReply: {
            const std::string what =
                std::string(ToString(mail.report.kind)) + " for " +
                (mail.address.verp_recipient.empty() ? Named(mail.report)
                                                     : mail.address.verp_recipient) +
                ", no score changed (" + mail.report.reason + ")";
            base::Status noted = Event(list.list.id, "bounce.ignored", what, now);
            if (!noted) return noted.failure();
            return what;
          }
          case BounceKind::kNotABounce:
            break;
        }
        return Unrecognized(list, mail,
                            "not a bounce" +
                                (mail.address.verp_recipient.empty()
                                     ? std::string()
                                     : " (to the VERP address of " +
                                           mail.address.verp_recipient + ")") +
                                ": " + mail.report.reason,
                            now);
      });
}

base::Result<std::string> BounceService::TakeProbe(pipeline::ListContext& list,
                                                   const ReturnedMail& mail, int64_t now) {
  auto checked = CheckToken(store_, mail.address.probe_token, list.list.id, now);
  if (!checked) return checked.failure();
  if (checked->check != TokenCheck::kValid || checked->record.purpose != kBounceProbePurpose) {
    return Unrecognized(list, mail, "to a probe address whose token is not valid", now);
  }
  const std::string who = checked->record.address;
  if (mail.report.kind == BounceKind::kDelay || mail.report.kind == BounceKind::kAutoReply) {
    const std::string what =
        std::string(ToString(mail.report.kind)) + " to the probe of " + who + ", nothing changed";
    base::Status noted = Event(list.list.id, "bounce.ignored", what, now);
    if (!noted) return noted.failure();
    return what;
  }
  auto used = UseToken(store_, mail.address.probe_token, now);
  if (!used) return used.failure();
  auto address = base::EmailAddress::Parse(who);
  if (!address) return std::string("the probe's address no longer parses");
  auto member = store_.members().Find(list.list.id, *address);
  if (!member) return member.failure();
  if (!*member || (*member)->delivery != storage::Delivery::kEnabled) {
    return "the probe of " + who + " bounced; it is no longer an enabled member";
  }
  auto info = store_.bounces().Get((*member)->id);
  if (!info) return info.failure();
  const BounceRecipient* failed = FirstPermanent(mail.report);
  base::Status disabled = DisableByBounce(
      store_, **member, *info,
      "the bounce probe bounced" + (failed ? ": " + FailureLine(*failed) : std::string()), actor_,
      now);
  if (!disabled) return disabled.failure();
  return "the probe of " + who + " bounced: delivery disabled";
}

base::Result<std::string> BounceService::TakeBounce(pipeline::ListContext& list,
                                                    const ReturnedMail& mail, int64_t now) {
  // The VERP envelope names the member whatever the report says of them
  // (a forwarded address may fail under another name).
  std::vector<MemberFailure> failures;
  if (!mail.address.verp_recipient.empty()) {
    auto address = base::EmailAddress::Parse(mail.address.verp_recipient);
    const BounceRecipient* failed = FirstPermanent(mail.report);
    if (address && failed) {
      failures.push_back(
          {*address, FailureClass::kPermanent, FailureLine(*failed), failed->recogniser});
    }
  } else {
    for (const BounceRecipient& recipient : mail.report.recipients) {
      if (recipient.failure_class != FailureClass::kPermanent) continue;
      auto address = base::EmailAddress::Parse(recipient.address);
      if (!address) continue;  // the parser's contract says it does; never trust a guess
      failures.push_back(
          {*address, FailureClass::kPermanent, FailureLine(recipient), recipient.recogniser});
    }
  }
  std::string said;
  size_t members = 0;
  for (const MemberFailure& failure : failures) {
    auto outcome = ScoreFailure(store_, list.list.id, list.settings, failure, actor_, now);
    if (!outcome) return outcome.failure();
    if (outcome->effect == FailureEffect::kNotAMember) continue;
    ++members;
    said += (said.empty() ? "" : "; ") + failure.address.ToString() +
            (outcome->effect == FailureEffect::kDisabled   ? " disabled"
             : outcome->effect == FailureEffect::kProbeDue ? " to be probed"
             : outcome->effect == FailureEffect::kSameDay  ? " not scored again today"
                                                           : " scored");
  }
  if (members == 0) {
    return Unrecognized(list, mail,
                        "a bounce naming no member (" +
                            (mail.address.verp_recipient.empty() ? Named(mail.report)
                                                                 : mail.address.verp_recipient) +
                            ")",
                        now);
  }
  return "bounce: " + said;
}

base::Result<std::string> BounceService::TakeComplaint(pipeline::ListContext& list,
                                                       const ReturnedMail& mail, int64_t now) {
  const ComplaintSource& source = mail.report.complaint;
  if (!source.list_id.empty() && !NamesListId(source.list_id, list.ListIdLabel())) {
    return Unrecognized(list, mail,
                        "a complaint about mail of another list (" + source.list_id + ")", now);
  }
  std::vector<std::string> candidates;
  if (!mail.address.verp_recipient.empty()) candidates.push_back(mail.address.verp_recipient);
  if (!source.original_rcpt.empty()) candidates.push_back(source.original_rcpt);
  for (const BounceRecipient& recipient : mail.report.recipients) {
    candidates.push_back(recipient.address);
  }
  std::optional<storage::MemberRecord> member;
  for (const std::string& candidate : candidates) {
    auto address = base::EmailAddress::Parse(candidate);
    if (!address) continue;
    auto found = store_.members().Find(list.list.id, *address);
    if (!found) return found.failure();
    if (*found) {
      member = **found;
      break;
    }
  }
  if (!member) return Unrecognized(list, mail, "a complaint naming no member", now);
  const std::string who = member->address.ToString();
  if (!mail.authenticated) {
    return Unrecognized(list, mail,
                        "a complaint about " + who +
                            " whose From is not authenticated (no aligned DKIM pass): "
                            "not acted on",
                        now);
  }
  const std::string type = source.feedback_type.empty() ? "abuse" : source.feedback_type;
  switch (list.settings.complaint_action()) {
    case settings::ComplaintAction::kUnsubscribe: {
      auto removed = store_.members().Remove(list.list.id, member->address);
      if (!removed) return removed.failure();
      base::Status noted = Event(list.list.id, "complaint.unsubscribe",
                                 who + " complained (" + type + ") and was unsubscribed", now);
      if (!noted) return noted.failure();
      return "complaint: " + who + " unsubscribed";
    }
    case settings::ComplaintAction::kDisable: {
      base::Status disabled =
          store_.members().SetDelivery(member->id, storage::Delivery::kDisabledByUser);
      if (!disabled) return disabled.failure();
      base::Status noted = Event(list.list.id, "complaint.disable",
                                 who + " complained (" + type + "); delivery disabled", now);
      if (!noted) return noted.failure();
      return "complaint: " + who + " disabled";
    }
    case settings::ComplaintAction::kNotify:
      break;
  }
  auto owners = AddressesWithRoles(store_, list.list.id, {storage::MemberRole::kOwner});
  if (!owners) return owners.failure();
  for (const std::string& owner : *owners) {
    ListMail notice;
    notice.kind = "complaint-notice";
    notice.template_name = "complaint_notice.mustache";
    notice.values.text["address"] = who;
    notice.values.text["feedback_type"] = type;
    notice.headers.from = list.RoleAddress("owner");
    notice.headers.to = owner;
    notice.headers.subject = "Spam complaint about " + list.Address() + " mail from " + who;
    auto sent = mailer_.Send(list, mail.post_id, std::move(notice), now);
    if (!sent) return sent.failure();
  }
  base::Status noted = Event(
      list.list.id, "complaint.notify",
      who + " complained (" + type + "); " + std::to_string(owners->size()) + " owners told", now);
  if (!noted) return noted.failure();
  return "complaint: " + who + ", owners told";
}

base::Result<std::string> BounceService::Unrecognized(pipeline::ListContext& list,
                                                      const ReturnedMail& mail,
                                                      const std::string& why, int64_t now) {
  if (!list.settings.forward_unrecognized_bounces()) {
    base::Status noted = Event(list.list.id, "bounce.discarded",
                               "post " + std::to_string(mail.post_id) + ": " + why, now);
    if (!noted) return noted.failure();
    return "discarded, " + why;
  }
  std::string summary = "post " + std::to_string(mail.post_id) + " from " +
                        (mail.from.empty() ? std::string("(no From)") : mail.from) + ", \"" +
                        mail.subject + "\": " + why;
  if (summary.size() > 500) summary.resize(500);
  auto kept = store_.bounces().AddUnrecognized(list.list.id, mail.post_id, summary, now);
  if (!kept) return kept.failure();
  base::Status noted = Event(list.list.id, "bounce.unrecognized", summary, now);
  if (!noted) return noted.failure();
  return "kept for the owners' digest, " + why;
}

base::Result<std::string> BounceService::EnableMember(const pipeline::ListContext& list,
                                                      const base::EmailAddress& address,
                                                      const std::string& via, int64_t now) {
  auto member = store_.members().Find(list.list.id, address);
  if (!member) return member.failure();
  if (!*member) return base::NotFound(address.ToString() + " is not a member of " + list.Address());
  const storage::MemberRecord& found = **member;
  base::Status enabled = store_.members().SetDelivery(found.id, storage::Delivery::kEnabled);
  if (!enabled) return enabled.failure();
  base::Status zeroed = store_.members().SetBounceScore(found.id, 0);
  if (!zeroed) return zeroed.failure();
  base::Status cleared = store_.bounces().Clear(found.id);
  if (!cleared) return cleared.failure();
  base::Status retired =
      store_.tokens().UseAllFor(std::string(kEnablePurpose), std::to_string(found.id), now);
  if (!retired) return retired.failure();
  base::Status noted = Event(list.list.id, "member.enable",
                             found.address.ToString() + " re-enabled (" + via + ")", now);
  if (!noted) return noted.failure();
  return "Delivery to " + found.address.ToString() + " from " + list.Address() +
         " is enabled again.";
}

base::Result<std::string> BounceService::Enable(std::string_view list,
                                                const base::EmailAddress& address,
                                                const std::string& via, int64_t now) {
  auto found = FindList(store_, list);
  if (!found) return found.failure();
  return InTransaction<std::string>(store_, "enabling " + address.ToString(),
                                    [&]() -> base::Result<std::string> {
                                      auto context = pipeline::LoadListContext(store_, found->id);
                                      if (!context) return context.failure();
                                      return EnableMember(*context, address, via, now);
                                    });
}

base::Result<std::string> BounceService::RequestEnable(pipeline::ListContext& list,
                                                       const base::EmailAddress& address,
                                                       bool proven, int64_t post_id, int64_t now) {
  const std::string spec = address.ToString();
  if (proven) {
    auto enabled = EnableMember(list, address, "mail", now);
    if (enabled || base::IsSystemFailure(enabled.failure())) return enabled;
    return spec + " is not a member of this list; nothing was changed.";
  }
  const std::string sentence = "If " + spec +
                               " is a member whose delivery is disabled, a confirmation was "
                               "sent to it; the reply to it enables delivery again.";
  auto member = store_.members().Find(list.list.id, address);
  if (!member) return member.failure();
  if (!*member || (*member)->delivery == storage::Delivery::kEnabled) return sentence;
  storage::MailCount recent;
  recent.kind = kConfirmEnableKind;
  recent.list_id = list.list.id;
  recent.address = base::LowerAscii(spec);
  recent.since = now - 3600 + 1;
  auto repeats = store_.mail_log().Count(recent);
  if (!repeats) return repeats.failure();
  if (*repeats > 0) return sentence;  // the confirmation of the last hour stands
  auto token = IssueToken(store_, list.list.id, kEnablePurpose, spec, std::to_string((*member)->id),
                          now, list.settings.pending_request_life());
  if (!token) return token.failure();
  ListMail mail;
  mail.kind = kConfirmEnableKind;
  mail.template_name = "confirm_enable.mustache";
  mail.values.text["address"] = spec;
  mail.values.text["confirm_address"] = list.RoleAddress("confirm+" + *token);
  mail.headers.to = spec;
  mail.headers.reply_to = list.RoleAddress("confirm+" + *token);
  mail.headers.subject = "Confirm: enable delivery of " + list.Address();
  auto sent = mailer_.Send(list, post_id, std::move(mail), now);
  if (!sent) return sent.failure();
  base::Status noted = Event(list.list.id, "member.enable_requested",
                             spec + " asked to be enabled; confirmation sent", now);
  if (!noted) return noted.failure();
  return sentence;
}

base::Result<ListedBounces> BounceService::Listed(std::string_view list) {
  auto found = FindList(store_, list);
  if (!found) return found.failure();
  auto members = store_.bounces().Listed(found->id);
  if (!members) return members.failure();
  return ListedBounces{found->address.ToString(), std::move(*members)};
}

}  // namespace listd::service
