// DKIM-Signature parsing, RFC 6376 section 3.5, with the checks of section
// 6.1.1 that need no key: version, required tags, i= within d=, From in h=.
#include "dkim/signature.h"

#include <charconv>

#include "dkim/message.h"
#include "dkim/tag_list.h"

namespace dkim {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Parses the digits of t=, x= and l= (at most 12 digits for t= and x=,
// 76 bits for l= per the ABNF; we accept what fits in 63 bits).
std::optional<uint64_t> ParseNumber(std::string_view text) {
  std::string digits = StripWhitespace(text);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> DecodeDkimQuotedPrintable(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hex(text[i + 1]);
    int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

namespace {

// Decodes an i= value's local-part and domain (dkim-quoted-printable is only
// relevant to the local part, which we never interpret).
std::string_view DomainOfIdentity(std::string_view identity) {
  size_t at = identity.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : identity.substr(at + 1);
}

// True when `sub` is `domain` or a subdomain of it (case-insensitive).
bool IsSameOrSubdomain(std::string_view sub, std::string_view domain) {
  if (EqualsIgnoreCase(sub, domain)) return true;
  if (sub.size() <= domain.size()) return false;
  return sub[sub.size() - domain.size() - 1] == '.' &&
         EqualsIgnoreCase(sub.substr(sub.size() - domain.size()), domain);
}

}  // namespace

std::string_view ToString(SigningAlgorithm a) {
  switch (a) {
    case SigningAlgorithm::kRsaSha256:
      return "rsa-sha256";
    case SigningAlgorithm::kEd25519Sha256:
      return "ed25519-sha256";
    case SigningAlgorithm::kRsaSha1:
      return "rsa-sha1";
  }
  return "?";
}

std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view text) {
  std::string a = Lower(text);
  if (a == "rsa-sha256") return SigningAlgorithm::kRsaSha256;
  if (a == "ed25519-sha256") return SigningAlgorithm::kEd25519Sha256;
  if (a == "rsa-sha1") return SigningAlgorithm::kRsaSha1;
  return std::nullopt;
}

KeyType KeyTypeOf(SigningAlgorithm a) {
  return a == SigningAlgorithm::kEd25519Sha256 ? KeyType::kEd25519 : KeyType::kRsa;
}

HashAlgorithm HashOf(SigningAlgorithm a) {
  return a == SigningAlgorithm::kRsaSha1 ? HashAlgorithm::kSha1 : HashAlgorithm::kSha256;
}

bool IdentityWithinDomain(std::string_view identity, std::string_view domain) {
  return IsSameOrSubdomain(DomainOfIdentity(identity), domain);
}

std::variant<Signature, SignatureParseError> ParseSignature(std::string_view value) {
  SignatureParseError error;
  Result<TagList> tags = TagList::Parse(value);
  if (!tags.ok()) {
    error.reason = "signature syntax: " + tags.error();
    return error;
  }
  auto get = [&](std::string_view name) { return tags->Get(name); };
  // Remember what can be read, so even a broken signature is reported with
  // its d=, s= and b= in Authentication-Results.
  if (auto d = get("d")) error.domain = StripWhitespace(*d);
  if (auto s = get("s")) error.selector = StripWhitespace(*s);
  if (auto a = get("a")) error.algorithm_name = StripWhitespace(*a);
  if (auto b = get("b")) error.b_base64 = StripWhitespace(*b);
  if (auto i = get("i")) {
    std::optional<std::string> decoded = DecodeDkimQuotedPrintable(*i);
    error.identity = decoded ? *decoded : StripWhitespace(*i);
    if (!decoded) {
      error.reason = "i= is not valid dkim-quoted-printable";
      return error;
    }
  }

  for (std::string_view required : {"v", "a", "b", "bh", "d", "h", "s"}) {
    if (!get(required)) {
      error.reason = "missing required tag " + std::string(required) + "=";
      return error;
    }
  }
  if (StripWhitespace(*get("v")) != "1") {
    error.reason = "unsupported signature version v=" + std::string(*get("v"));
    return error;
  }
  Signature sig;
  sig.algorithm_name = error.algorithm_name;
  std::optional<SigningAlgorithm> algorithm = ParseSigningAlgorithm(sig.algorithm_name);
  if (!algorithm) {
    error.reason = "unknown signing algorithm a=" + sig.algorithm_name;
    return error;
  }
  sig.algorithm = *algorithm;
  sig.b_base64 = error.b_base64;
  Result<std::string> b = Base64Decode(sig.b_base64);
  if (!b.ok() || b->empty()) {
    error.reason = "b= is not valid base64";
    return error;
  }
  sig.signature = std::move(*b);
  Result<std::string> bh = Base64Decode(*get("bh"));
  if (!bh.ok() || bh->empty()) {
    error.reason = "bh= is not valid base64";
    return error;
  }
  sig.body_hash = std::move(*bh);
  if (auto c = get("c")) {
    Result<Canonicalization> canon = ParseCanonicalization(StripWhitespace(*c));
    if (!canon.ok()) {
      error.reason = canon.error();
      return error;
    }
    sig.canonicalization = *canon;
  }
  sig.domain = error.domain;
  sig.selector = error.selector;
  if (sig.domain.empty() || sig.selector.empty()) {
    error.reason = sig.domain.empty() ? "empty d=" : "empty s=";
    return error;
  }
  // h= is a colon-separated list of field names; FWS around names allowed.
  std::string_view h = *get("h");
  size_t pos = 0;
  bool has_from = false;
  while (pos <= h.size()) {
    size_t colon = h.find(':', pos);
    size_t end = colon == std::string_view::npos ? h.size() : colon;
    std::string name = StripWhitespace(h.substr(pos, end - pos));
    if (name.empty()) {
      error.reason = "empty header name in h=";
      return error;
    }
    if (EqualsIgnoreCase(name, "From")) has_from = true;
    sig.signed_headers.push_back(std::move(name));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (!has_from) {
    error.reason = "h= does not include From (RFC 6376 section 5.4)";
    return error;
  }
  if (auto q = get("q")) {
    // Section 3.5: q= lists query methods; dns/txt is the only one defined.
    bool dns_txt = false;
    std::string methods = StripWhitespace(*q);
    size_t p = 0;
    while (p <= methods.size()) {
      size_t colon = methods.find(':', p);
      std::string method =
          Lower(methods.substr(p, colon == std::string::npos ? std::string::npos : colon - p));
      if (method == "dns/txt" || method == "dns") dns_txt = true;
      if (colon == std::string::npos) break;
      p = colon + 1;
    }
    if (!dns_txt) {
      error.reason = "unsupported query method q=" + methods;
      return error;
    }
  }
  sig.identity = error.identity.empty() ? "@" + sig.domain : error.identity;
  if (!IdentityWithinDomain(sig.identity, sig.domain)) {
    error.reason = "i= " + sig.identity + " is not within d= " + sig.domain;
    return error;
  }
  if (auto l = get("l")) {
    sig.body_length = ParseNumber(*l);
    if (!sig.body_length) {
      error.reason = "l= is not a number";
      return error;
    }
  }
  if (auto t = get("t")) {
    std::optional<uint64_t> n = ParseNumber(*t);
    if (!n) {
      error.reason = "t= is not a number";
      return error;
    }
    sig.timestamp = static_cast<int64_t>(*n);
  }
  if (auto x = get("x")) {
    std::optional<uint64_t> n = ParseNumber(*x);
    if (!n) {
      error.reason = "x= is not a number";
      return error;
    }
    sig.expiration = static_cast<int64_t>(*n);
    // Section 3.5: x= MUST be greater than t= when both are present.
    if (sig.timestamp && *sig.expiration <= *sig.timestamp) {
      error.reason = "x= is not after t=";
      return error;
    }
  }
  return sig;
}

}  // namespace dkim
