// Sender authentication (see sender_auth.h).
#include "listd/pipeline/sender_auth.h"

#include "dkim/message.h"
#include "dkim/organizational_domain.h"

namespace listd::pipeline {
namespace {

// The domain of an address or of a bare domain ("bounce@a.example.org" or
// "a.example.org"), normalised.
std::string DomainOf(std::string_view text) {
  const size_t at = text.rfind('@');
  if (at != std::string_view::npos) text.remove_prefix(at + 1);
  return dkim::NormalizeDomainName(text);
}

// Our Authentication-Results: the first field of the recorded post.
std::optional<dkim::AuthenticationResults> OurResults(std::string_view recorded,
                                                      std::string_view authserv_id) {
  constexpr std::string_view kName = "Authentication-Results:";
  if (recorded.size() < kName.size() ||
      !dkim::EqualsIgnoreCase(recorded.substr(0, kName.size()), kName)) {
    return std::nullopt;
  }
  // The field runs to the first CRLF not followed by folding whitespace.
  size_t end = kName.size();
  for (;;) {
    end = recorded.find("\r\n", end);
    if (end == std::string_view::npos) return std::nullopt;
    if (end + 2 < recorded.size() && (recorded[end + 2] == ' ' || recorded[end + 2] == '\t')) {
      end += 2;
      continue;
    }
    break;
  }
  auto parsed = dkim::ParseAuthenticationResults(recorded.substr(kName.size(), end - kName.size()));
  if (!parsed || !dkim::EqualsIgnoreCase(parsed->authserv_id, authserv_id)) return std::nullopt;
  return std::move(*parsed);
}

// One dkim= result of ours, as alignment with a domain sees it.
struct AlignedSignature {
  std::string d;       // header.d as written
  std::string result;  // "pass", "fail", ...
  bool passed = false;
  bool aligned = false;  // d= relaxed-aligned with the domain asked about
};

// Our dkim= results, top to bottom, each judged for relaxed alignment with
// `domain` (RFC 7489 section 3.1.1: the same organizational domain). A
// result without header.d (dkim=none) is left out.
std::vector<AlignedSignature> AlignedSignatures(
    const std::optional<dkim::AuthenticationResults>& ours, const std::string& domain) {
  std::vector<AlignedSignature> out;
  if (!ours) return out;
  const std::string organization = dkim::OrganizationalDomain(domain);
  for (const dkim::AuthResult& r : ours->results) {
    if (!dkim::EqualsIgnoreCase(r.method, "dkim")) continue;
    const std::optional<std::string> d = r.Property("header.d");
    if (!d || d->empty()) continue;
    AlignedSignature signature;
    signature.d = *d;
    signature.result = r.result;
    signature.passed = dkim::EqualsIgnoreCase(r.result, "pass");
    signature.aligned = dkim::OrganizationalDomain(*d) == organization;
    out.push_back(std::move(signature));
  }
  return out;
}

}  // namespace

SenderVerdict AuthenticateSender(std::string_view envelope_from, std::string_view recorded,
                                 std::string_view authserv_id,
                                 const std::vector<dkim::AuthenticationResults>& trusted_upstream) {
  SenderVerdict verdict;
  if (envelope_from.empty()) {
    verdict.detail = "the return path is null";
    return verdict;
  }
  const std::string domain = DomainOf(envelope_from);
  const std::vector<AlignedSignature> signatures =
      AlignedSignatures(OurResults(recorded, authserv_id), domain);
  for (const AlignedSignature& signature : signatures) {
    if (signature.aligned && signature.passed) {
      verdict.authenticated = true;
      verdict.detail = "DKIM d=" + signature.d;
      return verdict;
    }
  }
  for (const dkim::AuthenticationResults& upstream : trusted_upstream) {
    for (const dkim::AuthResult& r : upstream.results) {
      if (!dkim::EqualsIgnoreCase(r.method, "spf") || !dkim::EqualsIgnoreCase(r.result, "pass")) {
        continue;
      }
      const std::optional<std::string> mailfrom = r.Property("smtp.mailfrom");
      if (mailfrom && DomainOf(*mailfrom) == domain) {
        verdict.authenticated = true;
        verdict.detail = "SPF from " + upstream.authserv_id;
        return verdict;
      }
    }
  }
  verdict.detail = "the return path <" + std::string(envelope_from) +
                   "> is not authenticated (no DKIM pass aligned with " + domain +
                   ", no trusted SPF pass)";
  return verdict;
}

AuthorVerdict AuthenticateAuthor(std::string_view author_domain, std::string_view recorded,
                                 std::string_view authserv_id,
                                 const std::vector<dkim::AuthenticationResults>& trusted_upstream) {
  AuthorVerdict verdict;
  const std::string domain = DomainOf(author_domain);
  const std::vector<AlignedSignature> signatures =
      AlignedSignatures(OurResults(recorded, authserv_id), domain);
  for (const AlignedSignature& signature : signatures) {
    if (signature.aligned && signature.passed) {
      verdict.result = AuthorAuthResult::kAuthenticated;
      verdict.detail = "DKIM d=" + signature.d;
      return verdict;
    }
  }
  for (const dkim::AuthenticationResults& upstream : trusted_upstream) {
    for (const dkim::AuthResult& r : upstream.results) {
      if (!dkim::EqualsIgnoreCase(r.method, "dmarc") || !dkim::EqualsIgnoreCase(r.result, "pass")) {
        continue;
      }
      const std::optional<std::string> from = r.Property("header.from");
      if (from && DomainOf(*from) == domain) {
        verdict.result = AuthorAuthResult::kAuthenticated;
        verdict.detail = "dmarc=pass from " + upstream.authserv_id;
        return verdict;
      }
    }
  }
  std::string failed;  // aligned signatures that did not pass
  std::string others;  // signatures of other domains
  for (const AlignedSignature& signature : signatures) {
    std::string& into = signature.aligned ? failed : others;
    if (!into.empty()) into += ", ";
    into += signature.aligned ? "dkim=" + signature.result + " (d=" + signature.d + ")"
                              : "d=" + signature.d;
  }
  if (!failed.empty()) {
    verdict.result = AuthorAuthResult::kFailed;
    verdict.detail = "From domain " + domain + " not authenticated: " + failed;
  } else if (!others.empty()) {
    verdict.result = AuthorAuthResult::kUnsigned;
    verdict.detail = "no signature aligned with " + domain + ": " + others;
  } else {
    verdict.result = AuthorAuthResult::kUnsigned;
    verdict.detail = "From domain " + domain + " not authenticated: the post has no DKIM signature";
  }
  return verdict;
}

}  // namespace listd::pipeline
