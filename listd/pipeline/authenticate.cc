// Stage 2, authenticate (authenticate.h says what and why; the STANDARDS
// and LIMITS are there).
#include "listd/pipeline/authenticate.h"

#include "dkim/dmarc_auth_results.h"
#include "dkim/dmarc_discovery.h"
#include "dkim/organizational_domain.h"
#include "dkim/prefetched_keys.h"
#include "listd/pipeline/admit.h"

#include <algorithm>
#include <utility>

#include "dkim/message.h"

namespace listd::pipeline {
namespace {

constexpr std::string_view kAuthResults = "Authentication-Results";
constexpr std::string_view kArcAuthResults = "ARC-Authentication-Results";
constexpr int kSupportedVersion = 1;  // RFC 8601 section 2.2: authres-version

bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The first word of an A-R value that the full parser refused: skips CFWS
// (comments nest and may hold quoted-pairs), then reads a quoted-string or
// the bytes up to whitespace, a comment or ';'. Good enough to recognise a
// malformed field that still names us, which RFC 8601 section 5 wants gone.
std::string FirstWord(std::string_view value) {
  size_t i = 0;
  while (i < value.size()) {
    if (IsFws(value[i])) {
      ++i;
    } else if (value[i] == '(') {
      int depth = 0;
      while (i < value.size()) {
        char c = value[i++];
        if (c == '\\') {
          ++i;
        } else if (c == '(') {
          ++depth;
        } else if (c == ')' && --depth == 0) {
          break;
        }
      }
    } else {
      break;
    }
  }
  std::string word;
  if (i < value.size() && value[i] == '"') {
    for (++i; i < value.size() && value[i] != '"'; ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      if (value[i] != '\r' && value[i] != '\n') word += value[i];
    }
    return word;
  }
  while (i < value.size() && !IsFws(value[i]) && value[i] != '(' && value[i] != ';') {
    word += value[i++];
  }
  return word;
}

// The authserv-id of an ARC-Authentication-Results value, RFC 8617 section
// 4.1.1: "i=N; authserv-id; results", so the first word after the first ';'.
std::string AarAuthservId(std::string_view value) {
  const size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return "";
  return FirstWord(value.substr(semicolon + 1));
}

// The instance of an ARC-Authentication-Results value ("i=2; ..."), 0 when
// it cannot be read.
int AarInstance(std::string_view value) {
  size_t i = 0;
  while (i < value.size() && IsFws(value[i])) ++i;
  if (value.substr(i, 2) != "i=") return 0;
  int instance = 0;
  for (i += 2; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
    instance = instance * 10 + (value[i] - '0');
    if (instance > dkim::kMaxArcInstance) return 0;
  }
  return instance;
}

// Whether the ARC set `instance` was sealed, verifiably, by one of our own
// signing domains: then an AAR of ours in it is ours (a list of this host
// forwarding to another), not a forgery.
bool SealedByUs(const dkim::ArcValidation& chain, int instance,
                const std::vector<std::string>& own_domains) {
  if (instance < 1 || instance > static_cast<int>(chain.sets.size())) return false;
  const dkim::ArcSetResult& set = chain.sets[static_cast<size_t>(instance - 1)];
  if (set.seal != dkim::ArcResult::kPass) return false;
  return std::any_of(own_domains.begin(), own_domains.end(), [&](const std::string& domain) {
    return dkim::EqualsIgnoreCase(domain, set.seal_domain);
  });
}

bool IsTrusted(std::string_view id, const std::vector<std::string>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [id](const std::string& t) { return dkim::EqualsIgnoreCase(id, t); });
}

// `bytes` without the given fields; each raw view lies inside `bytes`.
std::string Without(std::string_view bytes, std::vector<const dkim::HeaderField*> gone) {
  std::sort(gone.begin(), gone.end(), [](const dkim::HeaderField* a, const dkim::HeaderField* b) {
    return a->raw.data() < b->raw.data();
  });
  std::string out;
  out.reserve(bytes.size());
  size_t from = 0;
  for (const dkim::HeaderField* field : gone) {  // top to bottom, so offsets grow
    size_t start = static_cast<size_t>(field->raw.data() - bytes.data());
    out.append(bytes.substr(from, start - from));
    from = start + field->raw.size();
  }
  out.append(bytes.substr(from));
  return out;
}

// The one From domain DMARC evaluates (RFC 7489 section 6.6.1: a post with
// no From domain, or several, has none to evaluate).
std::optional<std::string> DmarcAuthorDomain(const dkim::Message& msg) {
  auto from = msg.FieldsNamed("From");
  if (from.size() != 1) return std::nullopt;
  auto mailboxes = ParseMailboxList(from.front()->value());
  if (!mailboxes || mailboxes->empty()) return std::nullopt;
  const std::string& domain = mailboxes->front().domain;
  for (const base::EmailAddress& mailbox : *mailboxes) {
    if (!dkim::EqualsIgnoreCase(mailbox.domain, domain)) return std::nullopt;
  }
  return domain;
}

// The DMARC verdict for the one From domain, if there is one.
std::optional<dkim::DmarcEvaluation> EvaluateDmarc(const dkim::Message& msg,
                                                   const Authentication& auth,
                                                   dkim::TxtResolver& dns) {
  std::optional<std::string> domain = DmarcAuthorDomain(msg);
  if (!domain) return std::nullopt;
  dkim::DmarcInputs inputs;
  inputs.from_domain = *domain;
  inputs.dkim = auth.dkim;
  for (const dkim::AuthenticationResults& upstream : auth.trusted_upstream) {
    if (dkim::ReadSpfFromAuthenticationResults(upstream, inputs)) break;
  }
  return dkim::DmarcEvaluator(dns).Evaluate(inputs);
}

}  // namespace

base::Result<Authentication> Authenticate(std::string_view message,
                                          const AuthenticateOptions& options,
                                          dkim::KeyResolver& keys) {
  if (options.authserv_id.empty()) {
    return base::Error{"no authserv-id configured for Authentication-Results"};
  }
  auto parsed = dkim::Message::Parse(std::string(message));
  if (!parsed.ok()) return base::Error{"the post is not a message: " + parsed.error()};
  const dkim::Message& msg = *parsed;

  Authentication auth;
  // The DMARC names go out in the keys' batch (through the memo beneath
  // `keys`), so a post with slow DNS waits once, not twice; the memo keeps
  // this post's answers until we return.
  std::optional<dkim::TxtMemo::Post> post;
  if (options.post_memo) {
    post.emplace(*options.post_memo);
    std::optional<std::string> author = DmarcAuthorDomain(msg);
    if (options.dmarc_dns && author) {
      const std::string domain = dkim::NormalizeDomainName(*author);
      if (!domain.empty()) options.post_memo->Expect(dkim::DmarcRecordNames(domain));
    }
  }
  // Over the bytes as received: see ORDER in authenticate.h. Every key the
  // signatures and seals name is asked for at once, so a slow domain costs
  // one DNS timeout per post, not one per signature and seal.
  dkim::PrefetchedKeys post_keys(keys, msg);
  dkim::Verifier verifier(post_keys, options.verifier);
  auth.dkim = verifier.Verify(msg, options.now);
  auth.arc = dkim::ArcValidator(post_keys).Validate(msg, options.now);

  std::vector<const dkim::HeaderField*> gone;
  for (const dkim::HeaderField* field : msg.FieldsNamed(kAuthResults)) {
    auto ar = dkim::ParseAuthenticationResults(field->value());
    if (!ar.ok()) {
      std::string id = FirstWord(field->value());
      if (dkim::EqualsIgnoreCase(id, options.authserv_id)) {
        gone.push_back(field);
        auth.removed.push_back("forged Authentication-Results claiming " + id +
                               " (malformed: " + ar.error() + ")");
      }
      continue;  // others stay in the message, never trusted
    }
    if (dkim::EqualsIgnoreCase(ar->authserv_id, options.authserv_id)) {
      gone.push_back(field);
      auth.removed.push_back("forged Authentication-Results claiming " + ar->authserv_id);
      continue;
    }
    if (ar->version && *ar->version != kSupportedVersion) {
      gone.push_back(field);
      auth.removed.push_back("Authentication-Results of unsupported version " +
                             std::to_string(*ar->version) + " from " + ar->authserv_id);
      continue;
    }
    if (IsTrusted(ar->authserv_id, options.trusted_authserv_ids)) {
      auth.trusted_upstream.push_back(std::move(*ar));
    }
  }
  // The same claim inside an ARC set: an ARC-Authentication-Results in our
  // name that we did not write. Its set may even validate, sealed by
  // whoever forged it under their own domain, so a reader trusting AARs
  // would believe us vouching: unless the set was verifiably sealed by one
  // of our own signing domains (a list here forwarding to another list
  // here), it goes, and the chain it was part of counts as failed (our seal
  // then says cv=fail, RFC 8617 section 5.1.2).
  bool forged_aar = false;
  for (const dkim::HeaderField* field : msg.FieldsNamed(kArcAuthResults)) {
    const std::string id = AarAuthservId(field->value());
    if (!dkim::EqualsIgnoreCase(id, options.authserv_id)) continue;
    if (SealedByUs(auth.arc, AarInstance(field->value()), options.own_seal_domains)) continue;
    gone.push_back(field);
    forged_aar = true;
    auth.removed.push_back("forged ARC-Authentication-Results claiming " + id);
  }
  if (forged_aar && auth.arc.result != dkim::ArcResult::kNone) {
    auth.arc.result = dkim::ArcResult::kFail;
    auth.arc.reason = "an ARC-Authentication-Results field claims our authserv-id " +
                      options.authserv_id + " (forged, removed)";
    auth.arc.oldest_pass.reset();
  }
  auth.message = gone.empty() ? std::string(msg.bytes()) : Without(msg.bytes(), gone);
  if (options.dmarc_dns) auth.dmarc = EvaluateDmarc(msg, auth, *options.dmarc_dns);
  return auth;
}

}  // namespace listd::pipeline
