// Stage 4, admit (admit.h says what and why; THE DECISION, the STANDARDS
// and the LIMITS are there).
#include "listd/pipeline/admit.h"

#include <cstdio>
#include <utility>
#include <variant>

#include "dkim/message.h"

namespace listd::pipeline {
namespace {

using storage::MemberRole;

bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A field value unfolded (RFC 5322 section 2.2.3) and trimmed.
std::string Unfold(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  size_t begin = out.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of(" \t");
  return out.substr(begin, end - begin + 1);
}

// Whitespace runs as single spaces, none at the ends: a display name.
std::string CollapseSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsFws(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// One mailbox of an address field while it is being read.
struct MailboxText {
  std::string raw;     // outside <>: comments dropped, quotes kept (a bare addr-spec)
  std::string phrase;  // outside <>: comments dropped, quotes removed (a display name)
  std::string angle;   // inside <>: the angle-addr
  bool has_angle = false;
  size_t start = 0;  // offset in the value, for error messages
};

// The mailbox `m` (taken from value[m.start, end)) as an address, or
// nothing for an empty list element (obs-mbox-list allows them).
base::Result<std::optional<base::EmailAddress>> FinishMailbox(const MailboxText& m,
                                                              std::string_view value, size_t end) {
  std::string addr_spec;
  if (m.has_angle) {
    std::string_view angle = m.angle;
    // obs-route: "<@relay.example:jane@example.org>" names jane.
    if (size_t colon = angle.rfind(':'); colon != std::string_view::npos) {
      angle.remove_prefix(colon + 1);
    }
    addr_spec = CollapseSpaces(angle);
  } else {
    for (char c : m.raw) {
      if (!IsFws(c)) addr_spec += c;  // obs-local-part may hold CFWS around dots
    }
    if (addr_spec.empty()) return std::optional<base::EmailAddress>();
  }
  auto address = base::EmailAddress::Parse(addr_spec);
  if (!address.ok()) {
    std::string text = CollapseSpaces(value.substr(m.start, end - m.start));
    return base::Error{"cannot read the mailbox '" + text + "': " + address.error()};
  }
  if (m.has_angle) address->display_name = CollapseSpaces(m.phrase);
  return std::optional<base::EmailAddress>(std::move(*address));
}

// Skips the comment that opens at value[*i] (nested, with quoted-pairs).
bool SkipComment(std::string_view value, size_t* i) {
  int depth = 0;
  while (*i < value.size()) {
    char c = value[(*i)++];
    if (c == '\\') {
      ++*i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return true;
    }
  }
  return false;
}

std::string HumanSize(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024;
  constexpr uint64_t kMiB = 1024 * 1024;
  auto scaled = [bytes](uint64_t unit, const char* name) {
    char number[32];
    std::snprintf(number, sizeof number, "%.1f",
                  static_cast<double>(bytes) / static_cast<double>(unit));
    std::string text = number;
    if (text.ends_with(".0")) text.resize(text.size() - 2);  // "5 MB", not "5.0 MB"
    return text + " " + name;
  };
  if (bytes >= kMiB) return scaled(kMiB, "MB");
  if (bytes >= kKiB) return scaled(kKiB, "KB");
  return std::to_string(bytes) + " bytes";
}

Verdict NonMember(const std::string& who, const AdmitPolicy& policy) {
  std::string reason = "post from non-member " + who;
  switch (policy.nonmember_action) {
    case settings::NonmemberAction::kHold:
      return {AdmitAction::kHold, reason};
    case settings::NonmemberAction::kReject:
      return {AdmitAction::kReject, reason};
    case settings::NonmemberAction::kDiscard:
      return {AdmitAction::kDiscard, reason};
  }
  return {AdmitAction::kHold, reason};
}

// A banned author's post: ban_action says what becomes of it.
Verdict Banned(const base::EmailAddress& from, const AuthorBan& ban, const AdmitPolicy& policy) {
  std::string reason = "post from " + from.ToString() + ", banned " +
                       (ban.site_wide ? "site-wide" : "on this list") + " (" + ban.pattern +
                       (ban.reason.empty() ? "" : ": " + ban.reason) + ")";
  if (policy.ban_action == settings::BanAction::kReject) return {AdmitAction::kReject, reason};
  return {AdmitAction::kDiscard, reason};
}

bool IsModeratorOrOwner(MemberRole role) {
  return role == MemberRole::kModerator || role == MemberRole::kOwner;
}

// The list-label of a List-Id value: inside <> if present (RFC 2919
// section 3), else the whole value.
std::string ListLabel(std::string_view value) {
  std::string text = Unfold(value);
  size_t open = text.rfind('<');
  if (open == std::string::npos) return text;
  size_t close = text.find('>', open);
  if (close == std::string::npos) return text.substr(open + 1);
  return text.substr(open + 1, close - open - 1);
}

bool AnyFieldMatches(const dkim::Message& msg, std::string_view name, std::string_view ours,
                     std::string (*extract)(std::string_view)) {
  if (ours.empty()) return false;
  for (const dkim::HeaderField* field : msg.FieldsNamed(name)) {
    if (dkim::EqualsIgnoreCase(extract(field->value()), ours)) return true;
  }
  return false;
}

// The author's address per RFC 5322 section 3.6.2, or why there is none.
std::variant<base::EmailAddress, std::string> Author(const dkim::Message& msg) {
  auto from = msg.FieldsNamed("From");
  if (from.empty()) return std::string("the post has no From field");
  if (from.size() > 1) {
    return "the post has " + std::to_string(from.size()) + " From fields (RFC 5322 allows one)";
  }
  auto mailboxes = ParseMailboxList(from[0]->value());
  if (!mailboxes.ok()) return "From: " + mailboxes.error();
  if (mailboxes->empty()) return std::string("From names no mailbox");
  if (mailboxes->size() == 1) return std::move(mailboxes->front());
  // Several authors: Sender names the one who sent it (section 3.6.2).
  const std::string several = "From names " + std::to_string(mailboxes->size()) + " mailboxes";
  auto sender = msg.FieldsNamed("Sender");
  if (sender.size() != 1) return several + " and there is no single Sender field";
  auto agent = ParseMailboxList(sender[0]->value());
  if (!agent.ok()) return several + "; Sender: " + agent.error();
  if (agent->size() != 1) return several + " and Sender does not name one mailbox";
  return std::move(agent->front());
}

}  // namespace

std::string_view ToString(AdmitAction action) {
  switch (action) {
    case AdmitAction::kAccept:
      return "accept";
    case AdmitAction::kHold:
      return "hold";
    case AdmitAction::kReject:
      return "reject";
    case AdmitAction::kDiscard:
      return "discard";
  }
  return "hold";
}

base::Result<std::vector<base::EmailAddress>> ParseMailboxList(std::string_view value) {
  std::vector<base::EmailAddress> out;
  MailboxText m;
  auto finish = [&](size_t end) -> base::Status {
    auto address = FinishMailbox(m, value, end);
    if (!address.ok()) return address.failure();
    if (*address) out.push_back(std::move(**address));
    m = MailboxText{};
    m.start = end + 1;
    return base::Ok();
  };
  size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    if (c == '(') {
      size_t start = i;
      if (!SkipComment(value, &i)) {
        return base::Error{"unterminated comment at offset " + std::to_string(start)};
      }
      m.raw += ' ';
      m.phrase += ' ';
      continue;
    }
    if (c == '"') {
      size_t start = i++;
      std::string text;
      bool closed = false;
      while (i < value.size()) {
        char q = value[i++];
        if (q == '"') {
          closed = true;
          break;
        }
        if (q == '\\' && i < value.size()) q = value[i++];
        text += q;
      }
      if (!closed)
        return base::Error{"unterminated quoted-string at offset " + std::to_string(start)};
      m.raw += '"' + text + '"';
      m.phrase += text;
      continue;
    }
    if (c == '<' && !m.has_angle) {
      size_t close = value.find('>', i);
      if (close == std::string_view::npos) {
        return base::Error{"'<' without '>' at offset " + std::to_string(i)};
      }
      m.has_angle = true;
      m.angle = std::string(value.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    if (c == ':') {
      // RFC 6854 / RFC 5322 section 3.4 group: "name:" starts it; the
      // name is not a mailbox, its members are.
      m = MailboxText{};
      m.start = i + 1;
      ++i;
      continue;
    }
    if (c == ',' || c == ';') {
      if (auto done = finish(i); !done.ok()) return done.failure();
      ++i;
      continue;
    }
    m.raw += c;
    m.phrase += c;
    ++i;
  }
  if (auto done = finish(value.size()); !done.ok()) return done.failure();
  return out;
}

Verdict Admit(const AdmitFacts& facts, const AdmitPolicy& policy) {
  if (facts.carries_our_list_id) {
    return {AdmitAction::kDiscard,
            "loop: the post already carries this list's List-Id <" + policy.list_id + ">"};
  }
  if (facts.carries_our_x_loop) {
    return {AdmitAction::kDiscard, "loop: the post already carries X-Loop: " + policy.list_address};
  }
  if (facts.ban && facts.sender.from) return Banned(*facts.sender.from, *facts.ban, policy);
  if (policy.max_size > 0 && facts.size > policy.max_size) {
    std::string size = HumanSize(facts.size);
    std::string limit = HumanSize(policy.max_size);
    if (size == limit) {  // the same when rounded: say it in bytes
      size = std::to_string(facts.size) + " bytes";
      limit = std::to_string(policy.max_size) + " bytes";
    }
    return {AdmitAction::kHold, "message of " + size + " exceeds the list's limit of " + limit};
  }
  if (!facts.from_problem.empty()) return {AdmitAction::kHold, facts.from_problem};
  if (!facts.sender.from) return {AdmitAction::kHold, "the post has no author address"};

  const std::string who = facts.sender.from->ToString();
  std::optional<MemberRole> role = facts.sender.role;
  if (role && facts.author_dmarc && facts.author_dmarc->result == dkim::DmarcResult::kFail &&
      facts.author_dmarc->policy != dkim::DmarcPolicy::kNone) {
    // The address is a member's, but its own domain says mail failing
    // DMARC from it is forged (RFC 7489 section 6.6.2).
    Verdict verdict = NonMember(who, policy);
    verdict.reason = "post from " + who + ", which is a " + std::string(storage::ToString(*role)) +
                     "'s address but fails its domain's DMARC check (p=" +
                     std::string(dkim::ToString(facts.author_dmarc->policy)) +
                     "): handled as a non-member's post";
    return verdict;
  }
  if (role && policy.posting_auth == settings::PostingAuth::kAligned) {
    const AuthorVerdict unjudged{AuthorAuthResult::kUnsigned,
                                 "From domain " + facts.sender.from->domain +
                                     " not authenticated: no authentication results"};
    const AuthorVerdict& auth = facts.author_auth ? *facts.author_auth : unjudged;
    const std::string whose =
        "post from " + who + ", which is a " + std::string(storage::ToString(*role)) + "'s address";
    if (auth.result == AuthorAuthResult::kFailed) {
      Verdict verdict = NonMember(who, policy);
      verdict.reason = whose + ", but " + auth.detail + ": handled as a non-member's post";
      return verdict;
    }
    if (auth.result == AuthorAuthResult::kUnsigned &&
        policy.unauthenticated_member_action == settings::UnauthenticatedMemberAction::kHold) {
      if (policy.posting_policy == settings::PostingPolicy::kOpen && !facts.sender.moderated) {
        return {AdmitAction::kAccept,
                "post from " + who + " to an open list (" + auth.detail + ")"};
      }
      return {AdmitAction::kHold, whose + ", but " + auth.detail};
    }
  }
  const std::string as_role = role ? std::string(storage::ToString(*role)) + " " + who : who;
  if (role && facts.sender.moderated) {
    return {AdmitAction::kHold, "post from " + as_role + ": member's posts are moderated"};
  }
  switch (policy.posting_policy) {
    case settings::PostingPolicy::kOpen:
      return {AdmitAction::kAccept, "post from " + as_role + " to an open list"};
    case settings::PostingPolicy::kMembersOnly:
      if (role) return {AdmitAction::kAccept, "post from " + as_role};
      return NonMember(who, policy);
    case settings::PostingPolicy::kModerated:
    case settings::PostingPolicy::kAnnounceOnly:
      if (!role) return NonMember(who, policy);
      if (IsModeratorOrOwner(*role)) return {AdmitAction::kAccept, "post from " + as_role};
      if (policy.posting_policy == settings::PostingPolicy::kModerated) {
        return {AdmitAction::kHold, "post from member " + who + " to a moderated list"};
      }
      return {AdmitAction::kHold, "post from member " + who +
                                      " to an announce-only list (only moderators and owners "
                                      "post)"};
  }
  return {AdmitAction::kHold, "unknown posting policy"};
}

AdmitPolicy PolicyFrom(const settings::ListSettings& list_settings, std::string list_id,
                       std::string list_address) {
  AdmitPolicy policy;
  policy.posting_policy = list_settings.posting_policy();
  policy.nonmember_action = list_settings.nonmember_action();
  policy.posting_auth = list_settings.posting_auth();
  policy.unauthenticated_member_action = list_settings.unauthenticated_member_action();
  policy.ban_action = list_settings.ban_action();
  policy.max_size = list_settings.max_size();
  policy.list_id = std::move(list_id);
  policy.list_address = std::move(list_address);
  return policy;
}

base::Result<AdmitFacts> GatherFacts(std::string_view message, int64_t list_id,
                                     const AdmitPolicy& policy, storage::MemberRepository& members,
                                     storage::BanRepository* bans, const AuthorEvidence& evidence) {
  auto parsed = dkim::Message::Parse(std::string(message));
  if (!parsed.ok()) return base::Error{"the post is not a message: " + parsed.error()};
  const dkim::Message& msg = *parsed;

  AdmitFacts facts;
  facts.size = message.size();
  facts.carries_our_list_id = AnyFieldMatches(msg, "List-Id", policy.list_id, ListLabel);
  facts.carries_our_x_loop = AnyFieldMatches(msg, "X-Loop", policy.list_address, ListLabel);

  auto author = Author(msg);
  if (auto* problem = std::get_if<std::string>(&author)) {
    facts.from_problem = std::move(*problem);
    return facts;
  }
  facts.sender.from = std::move(std::get<base::EmailAddress>(author));
  if (bans) {
    auto ban = bans->Match(list_id, *facts.sender.from);
    if (!ban.ok()) return base::Error{"cannot look up the bans: " + ban.error()};
    if (*ban) facts.ban = AuthorBan{(*ban)->pattern, !(*ban)->list_id, (*ban)->reason};
  }
  auto member = members.Find(list_id, *facts.sender.from);
  if (!member.ok()) return base::Error{"cannot look up the sender: " + member.error()};
  if (*member) {
    facts.sender.role = (*member)->role;
    facts.sender.moderated = (*member)->moderated;
  }
  static const std::vector<dkim::AuthenticationResults> kNone;
  facts.author_auth =
      AuthenticateAuthor(facts.sender.from->domain, message, evidence.authserv_id,
                         evidence.trusted_upstream ? *evidence.trusted_upstream : kNone);
  return facts;
}

}  // namespace listd::pipeline
