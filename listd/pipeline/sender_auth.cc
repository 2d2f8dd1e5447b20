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
  const std::string organization = dkim::OrganizationalDomain(domain);
  if (auto ours = OurResults(recorded, authserv_id)) {
    for (const dkim::AuthResult& r : ours->results) {
      if (!dkim::EqualsIgnoreCase(r.method, "dkim") || !dkim::EqualsIgnoreCase(r.result, "pass")) {
        continue;
      }
      const std::optional<std::string> d = r.Property("header.d");
      if (d && dkim::OrganizationalDomain(*d) == organization) {
        verdict.authenticated = true;
        verdict.detail = "DKIM d=" + *d;
        return verdict;
      }
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

}  // namespace listd::pipeline
