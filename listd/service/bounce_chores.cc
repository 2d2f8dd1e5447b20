// Bounce chores (see bounce_chores.h).
#include "listd/service/bounce_chores.h"

#include <vector>

#include "base/iso_time.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/bounce_scoring.h"
#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_lookup.h"
#include "listd/service/list_mailer.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kDigestMost = 500;  // bounces in one digest; the rest wait a day

std::string Days(int64_t seconds) {
  int64_t days = (seconds + kDay - 1) / kDay;
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

class Chores {
 public:
  Chores(storage::Store& store, const std::string& templates_dir, const std::string& actor,
         int64_t now)
      : store_(store), mailer_(store, templates_dir), actor_(actor), now_(now) {}

  base::Status RunList(int64_t list_id) {
    auto list = pipeline::LoadListContext(store_, list_id);
    if (!list) return list.failure();
    std::vector<storage::MemberBounce> tracked;
    base::Status walked = store_.bounces().ForEachTracked(list_id, [&](const auto& member) {
      tracked.push_back(member);
      return true;
    });
    if (!walked) return walked;
    for (const storage::MemberBounce& member : tracked) {
      auto stepped =
          InTransaction<bool>(store_, "bounce chores for " + member.member.address.ToString(),
                              [&]() -> base::Result<bool> {
                                base::Status done = Step(*list, member);
                                if (!done) return done.failure();
                                return true;
                              });
      if (!stepped) return stepped.failure();
    }
    auto digested = InTransaction<bool>(store_, "the bounce digest", [&]() -> base::Result<bool> {
      base::Status done = Digest(*list);
      if (!done) return done.failure();
      return true;
    });
    if (!digested) return digested.failure();
    return base::Ok();
  }

  const ChoresDone& done() const { return done_; }

 private:
  base::Status Event(int64_t list_id, const std::string& action, const std::string& detail) {
    return store_.events().Record(now_, actor_, list_id, action, detail);
  }

  // A mail of the list to `to` about member `address`.
  base::Status Mail(pipeline::ListContext& list, const std::string& kind,
                    const std::string& template_name, const std::string& to,
                    const std::string& subject, outbound::TemplateValues values,
                    const std::string& bounces_suffix = "", const std::string& reply_to = "") {
    ListMail mail;
    mail.kind = kind;
    mail.template_name = template_name;
    mail.values = std::move(values);
    mail.headers.to = to;
    mail.headers.subject = subject;
    mail.headers.reply_to = reply_to;
    mail.bounces_suffix = bounces_suffix;
    // The goodbye goes to an address known to be dead: from the null
    // return path, so its bounce comes back to no one (RFC 5321 section
    // 4.5.5) rather than to the owners' digest.
    mail.null_return_path = kind == "bounce-goodbye";
    if (kind.rfind("owner-", 0) == 0) mail.headers.from = list.RoleAddress("owner");
    auto sent = mailer_.Send(list, 0, std::move(mail), now_);
    if (!sent) return sent.failure();
    return base::Ok();
  }

  // Mails each owner; false when the list has none.
  base::Result<int64_t> MailOwners(pipeline::ListContext& list, const std::string& kind,
                                   const std::string& template_name, const std::string& subject,
                                   const outbound::TemplateValues& values) {
    auto owners = AddressesWithRoles(store_, list.list.id, {storage::MemberRole::kOwner});
    if (!owners) return owners.failure();
    for (const std::string& owner : *owners) {
      base::Status sent = Mail(list, kind, template_name, owner, subject, values);
      if (!sent) return sent.failure();
    }
    return static_cast<int64_t>(owners->size());
  }

  // The values every bounce template about a member gets.
  outbound::TemplateValues MemberValues(const storage::MemberBounce& member) {
    outbound::TemplateValues values;
    values.text["address"] = member.member.address.ToString();
    values.text["score"] = ScoreText(member.member.bounce_score);
    values.text["last_failure"] = member.info.last_failure;
    values.text["last_failure_at"] =
        member.info.last_failure_at == 0 ? "" : base::IsoTime(member.info.last_failure_at);
    return values;
  }

  base::Status Step(pipeline::ListContext& list, storage::MemberBounce member) {
    const settings::ListSettings& settings = list.settings;
    storage::BounceInfo& info = member.info;
    const std::string who = member.member.address.ToString();
    const bool disabled = member.member.delivery == storage::Delivery::kDisabledByBounce;

    // A probe goes only to a member whose delivery is on: one who turned it
    // off asked for no mail, and its bounce could not disable them anyway.
    if (member.member.delivery == storage::Delivery::kEnabled &&
        info.probe == storage::ProbeState::kDue) {
      return SendProbe(list, member);
    }
    if (!disabled && info.probe == storage::ProbeState::kSent) {
      if (now_ - info.probe_sent_at < settings.pending_request_life()) return base::Ok();
      base::Status zeroed = store_.members().SetBounceScore(member.member.id, 0);
      if (!zeroed) return zeroed;
      base::Status cleared = store_.bounces().Clear(member.member.id);
      if (!cleared) return cleared;
      ++done_.probes_unanswered;
      return Event(list.list.id, "bounce.probe_unanswered",
                   "the probe of " + who + " did not bounce: the address works; score 0");
    }
    if (!disabled) {
      const bool reenabled = info.disabled_at != 0;
      const bool stale = info.last_failure_at == 0 ||
                         now_ - info.last_failure_at > settings.bounce_info_stale_after();
      if (!reenabled && !stale) return base::Ok();
      if (member.member.delivery == storage::Delivery::kEnabled) {
        base::Status zeroed = store_.members().SetBounceScore(member.member.id, 0);
        if (!zeroed) return zeroed;
      }
      base::Status cleared = store_.bounces().Clear(member.member.id);
      if (!cleared) return cleared;
      ++done_.forgotten;
      return Event(list.list.id, "bounce.forget",
                   who + (reenabled ? ": delivery was enabled again" : ": the failures are stale") +
                       "; bounce state forgotten");
    }

    if (info.disabled_at == 0) info.disabled_at = now_;  // disabled by hand: warn from now
    if (!info.owners_told) {
      if (settings.bounce_notify_owner_on_disable()) {
        auto told = MailOwners(list, "owner-bounce-disabled", "bounce_owner_disabled.mustache",
                               who + "'s delivery from " + list.Address() + " is disabled",
                               MemberValues(member));
        if (!told) return told.failure();
        done_.owner_notices += *told;
      }
      info.owners_told = true;
    }
    const int64_t warnings = settings.bounce_you_are_disabled_warnings();
    const int64_t interval = settings.bounce_you_are_disabled_warnings_interval();
    const bool waited = info.warnings_sent == 0 || now_ - info.last_warning_at >= interval;
    if (info.warnings_sent < warnings && waited) {
      return SendWarning(list, member, warnings, interval);
    }
    if (info.warnings_sent >= warnings &&
        (warnings == 0 || now_ - info.last_warning_at >= interval)) {
      return Remove(list, member);
    }
    return store_.bounces().Put(info);
  }

  base::Status SendProbe(pipeline::ListContext& list, storage::MemberBounce& member) {
    const std::string who = member.member.address.ToString();
    auto token =
        IssueToken(store_, list.list.id, kBounceProbePurpose, who, std::to_string(member.member.id),
                   now_, list.settings.pending_request_life());
    if (!token) return token.failure();
    base::Status sent = Mail(list, "bounce-probe", "bounce_probe.mustache", who,
                             "A test of your address on " + list.Address(), MemberValues(member),
                             "probe." + *token);
    if (!sent) return sent;
    member.info.probe = storage::ProbeState::kSent;
    member.info.probe_sent_at = now_;
    base::Status kept = store_.bounces().Put(member.info);
    if (!kept) return kept;
    ++done_.probes;
    return Event(list.list.id, "bounce.probe", "a probe sent to " + who);
  }

  base::Status SendWarning(pipeline::ListContext& list, storage::MemberBounce& member,
                           int64_t warnings, int64_t interval) {
    const std::string who = member.member.address.ToString();
    storage::BounceInfo& info = member.info;
    const int64_t left = warnings - info.warnings_sent;  // this one included
    const int64_t removal_in = left * interval;
    // Valid until the removal, and a day past it for a reply in flight.
    auto token = IssueToken(store_, list.list.id, kEnablePurpose, who,
                            std::to_string(member.member.id), now_, removal_in + kDay);
    if (!token) return token.failure();
    outbound::TemplateValues values = MemberValues(member);
    const std::string confirm_address = list.RoleAddress("confirm+" + *token);
    values.text["confirm_address"] = confirm_address;
    values.text["warning_number"] = std::to_string(info.warnings_sent + 1);
    values.text["warnings"] = std::to_string(warnings);
    values.text["removal_in"] = Days(removal_in);
    values.text["disabled_at"] = base::IsoTime(info.disabled_at);
    // The warning says "reply to this message": the reply must reach the
    // -confirm+TOKEN address that enables, not the -request From.
    base::Status sent =
        Mail(list, "bounce-warning", "bounce_warning.mustache", who,
             "Your delivery from " + list.Address() + " is disabled", values, "", confirm_address);
    if (!sent) return sent;
    info.warnings_sent += 1;
    info.last_warning_at = now_;
    base::Status kept = store_.bounces().Put(info);
    if (!kept) return kept;
    ++done_.warnings;
    return Event(list.list.id, "bounce.warning",
                 "warning " + std::to_string(info.warnings_sent) + " of " +
                     std::to_string(warnings) + " sent to " + who);
  }

  base::Status Remove(pipeline::ListContext& list, const storage::MemberBounce& member) {
    const std::string who = member.member.address.ToString();
    auto removed = store_.members().Remove(list.list.id, member.member.address);
    if (!removed) return removed.failure();
    base::Status retired = store_.tokens().UseAllFor(std::string(kEnablePurpose),
                                                     std::to_string(member.member.id), now_);
    if (!retired) return retired;
    base::Status goodbye =
        Mail(list, "bounce-goodbye", "bounce_goodbye.mustache", who,
             "You have been removed from " + list.Address(), MemberValues(member));
    if (!goodbye) return goodbye;
    if (list.settings.bounce_notify_owner_on_removal()) {
      auto told = MailOwners(list, "owner-bounce-removed", "bounce_owner_removed.mustache",
                             who + " was removed from " + list.Address() + " for bouncing",
                             MemberValues(member));
      if (!told) return told.failure();
      done_.owner_notices += *told;
    }
    ++done_.removals;
    return Event(list.list.id, "bounce.remove",
                 who + " removed: delivery disabled by bounces since " +
                     base::IsoTime(member.info.disabled_at) + ", " +
                     std::to_string(member.info.warnings_sent) + " warnings sent");
  }

  base::Status Digest(pipeline::ListContext& list) {
    auto pending = store_.bounces().Undigested(list.list.id, kDigestMost);
    if (!pending) return pending.failure();
    if (pending->empty()) return base::Ok();
    std::vector<int64_t> ids;
    for (const storage::UnrecognizedBounce& bounce : *pending) ids.push_back(bounce.id);
    if (!list.settings.forward_unrecognized_bounces()) {
      base::Status dropped = store_.bounces().MarkDigested(ids, now_);
      if (!dropped) return dropped;
      return Event(list.list.id, "bounce.digest_dropped",
                   std::to_string(ids.size()) +
                       " unrecognised bounces dropped (forward_unrecognized_bounces=off)");
    }
    auto last = store_.bounces().LastDigestAt(list.list.id);
    if (!last) return last.failure();
    if (*last != 0 && now_ - *last < kDay) return base::Ok();  // one a day
    outbound::TemplateValues values;
    values.text["count"] = std::to_string(ids.size());
    for (const storage::UnrecognizedBounce& bounce : *pending) {
      values.lists["bounces"].push_back({{"received", base::IsoTime(bounce.received_at)},
                                         {"summary", bounce.summary},
                                         {"post_id", std::to_string(bounce.post_id)}});
    }
    auto told = MailOwners(
        list, "owner-bounce-digest", "bounce_digest.mustache",
        std::to_string(ids.size()) + " unrecognised bounces for " + list.Address(), values);
    if (!told) return told.failure();
    done_.digests += *told;
    base::Status marked = store_.bounces().MarkDigested(ids, now_);
    if (!marked) return marked;
    return Event(list.list.id, "bounce.digest",
                 std::to_string(ids.size()) + " unrecognised bounces sent to " +
                     std::to_string(*told) + " owners");
  }

  storage::Store& store_;
  ListMailer mailer_;
  const std::string& actor_;
  int64_t now_;
  ChoresDone done_;
};

}  // namespace

base::Result<ChoresDone> RunBounceChores(storage::Store& store, const std::string& templates_dir,
                                         const std::string& actor, int64_t now) {
  auto lists = store.bounces().ListsWithWork();
  if (!lists) return lists.failure();
  Chores chores(store, templates_dir, actor, now);
  for (int64_t list_id : *lists) {
    base::Status ran = chores.RunList(list_id);
    if (!ran) return ran.failure();
  }
  return chores.done();
}

}  // namespace listd::service
