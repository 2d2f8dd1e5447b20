// DKIM-Signature parsing, RFC 6376 section 3.5, with the checks of section
// 6.1.1 that need no key: version, required tags, i= within d=, From in h=.
#include "dkim/signature.h"
#include "base/ascii.h"

#include <algorithm>
#include <charconv>

#include "dkim/byte_scan.h"
#include "dkim/message.h"
#include "dkim/tag_list.h"

namespace dkim {
namespace {

// `value` without FWS: the view itself when it has none (the usual case, so
// no copy is made), else the stripped copy kept in `scratch`.
std::string_view WithoutFws(std::string_view value, std::string& scratch) {
  if (FindNonVisible(value.data(), 0, value.size()) == value.size()) return value;
  scratch = StripWhitespace(value);
  return scratch;
}

// Parses the digits of t=, x= and l= (at most 12 digits for t= and x=,
// 76 bits for l= per the ABNF; we accept what fits in 63 bits).
std::optional<uint64_t> ParseNumber(std::string_view text) {
  std::string scratch;
  std::string_view digits = WithoutFws(text, scratch);
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
  if (EqualsIgnoreCase(text, "rsa-sha256")) return SigningAlgorithm::kRsaSha256;
  if (EqualsIgnoreCase(text, "ed25519-sha256")) return SigningAlgorithm::kEd25519Sha256;
  if (EqualsIgnoreCase(text, "rsa-sha1")) return SigningAlgorithm::kRsaSha1;
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
  Result<TagList> tags = TagList::Parse(value);
  if (!tags.ok()) return SignatureParseError{"signature syntax: " + tags.error(), {}, {}, {}, {}, {}};

  // One pass over the tags; values stay views into `value` until needed.
  std::optional<std::string_view> v, a, b, bh, c, d, h, i, l, q, s, t, x;
  for (const Tag& tag : tags->tags()) {
    std::string_view n = tag.name;
    std::optional<std::string_view>* slot = nullptr;
    if (n.size() == 1) {
      switch (n[0]) {
        case 'v': slot = &v; break;
        case 'a': slot = &a; break;
        case 'b': slot = &b; break;
        case 'c': slot = &c; break;
        case 'd': slot = &d; break;
        case 'h': slot = &h; break;
        case 'i': slot = &i; break;
        case 'l': slot = &l; break;
        case 'q': slot = &q; break;
        case 's': slot = &s; break;
        case 't': slot = &t; break;
        case 'x': slot = &x; break;
        default: break;
      }
    } else if (n == "bh") {
      slot = &bh;
    }
    if (slot != nullptr) *slot = tag.value;
  }

  // What can be read is kept even when the signature is unusable, so it is
  // reported with its d=, s= and b= in Authentication-Results.
  Signature sig;
  std::string scratch;
  if (d) sig.domain = WithoutFws(*d, scratch);
  if (s) sig.selector = WithoutFws(*s, scratch);
  if (a) sig.algorithm_name = WithoutFws(*a, scratch);
  if (b) sig.b_base64 = StripWhitespace(*b);  // usually folded, so always copied
  auto fail = [&sig](std::string reason) -> std::variant<Signature, SignatureParseError> {
    return SignatureParseError{std::move(reason), std::move(sig.domain), std::move(sig.selector),
                               std::move(sig.algorithm_name), std::move(sig.b_base64),
                               std::move(sig.identity)};
  };
  if (i) {
    std::optional<std::string> decoded = DecodeDkimQuotedPrintable(*i);
    if (!decoded) {
      sig.identity = StripWhitespace(*i);
      return fail("i= is not valid dkim-quoted-printable");
    }
    sig.identity = std::move(*decoded);
  }
  const std::pair<const std::optional<std::string_view>*, const char*> required[] = {
      {&v, "v"}, {&a, "a"}, {&b, "b"}, {&bh, "bh"}, {&d, "d"}, {&h, "h"}, {&s, "s"}};
  for (const auto& [tag, name] : required) {
    if (!*tag) return fail("missing required tag " + std::string(name) + "=");
  }
  if (WithoutFws(*v, scratch) != "1") return fail("unsupported signature version v=" + std::string(*v));
  std::optional<SigningAlgorithm> algorithm = ParseSigningAlgorithm(sig.algorithm_name);
  if (!algorithm) return fail("unknown signing algorithm a=" + sig.algorithm_name);
  sig.algorithm = *algorithm;
  Result<std::string> b_bytes = Base64Decode(sig.b_base64);
  if (!b_bytes.ok() || b_bytes->empty()) return fail("b= is not valid base64");
  sig.signature = std::move(*b_bytes);
  // Section 3.7: the b= value is what the verifier blanks out before
  // hashing this field; remember where it lies (up to the next ';').
  size_t b_equals = static_cast<size_t>(b->data() - value.data());
  while (b_equals > 0 && value[b_equals - 1] != '=') --b_equals;
  size_t b_end = value.find(';', b_equals);
  sig.b_value_begin = b_equals;
  sig.b_value_end = b_end == std::string_view::npos ? value.size() : b_end;
  Result<std::string> bh_bytes = Base64Decode(*bh);
  if (!bh_bytes.ok() || bh_bytes->empty()) return fail("bh= is not valid base64");
  sig.body_hash = std::move(*bh_bytes);
  if (c) {
    Result<Canonicalization> canon = ParseCanonicalization(WithoutFws(*c, scratch));
    if (!canon.ok()) return fail(canon.error());
    sig.canonicalization = *canon;
  }
  if (sig.domain.empty()) return fail("empty d=");
  if (sig.selector.empty()) return fail("empty s=");
  // h= is a colon-separated list of field names; FWS around names allowed.
  std::string_view names = *h;
  bool has_from = false;
  sig.signed_headers.reserve(static_cast<size_t>(std::count(names.begin(), names.end(), ':')) + 1);
  for (size_t pos = 0; pos <= names.size();) {
    size_t colon = names.find(':', pos);
    size_t end = colon == std::string_view::npos ? names.size() : colon;
    std::string_view name = WithoutFws(names.substr(pos, end - pos), scratch);
    if (name.empty()) return fail("empty header name in h=");
    if (EqualsIgnoreCase(name, "From")) has_from = true;
    sig.signed_headers.emplace_back(name);
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (!has_from) return fail("h= does not include From (RFC 6376 section 5.4)");
  if (q) {
    // Section 3.5: q= lists query methods; dns/txt is the only one defined.
    bool dns_txt = false;
    std::string methods = StripWhitespace(*q);
    for (size_t p = 0; p <= methods.size();) {
      size_t colon = methods.find(':', p);
      std::string method =
          base::LowerAscii(methods.substr(p, colon == std::string::npos ? std::string::npos : colon - p));
      if (method == "dns/txt" || method == "dns") dns_txt = true;
      if (colon == std::string::npos) break;
      p = colon + 1;
    }
    if (!dns_txt) return fail("unsupported query method q=" + methods);
  }
  if (sig.identity.empty()) sig.identity = "@" + sig.domain;
  if (!IdentityWithinDomain(sig.identity, sig.domain)) {
    return fail("i= " + sig.identity + " is not within d= " + sig.domain);
  }
  if (l) {
    sig.body_length = ParseNumber(*l);
    if (!sig.body_length) return fail("l= is not a number");
  }
  if (t) {
    std::optional<uint64_t> n = ParseNumber(*t);
    if (!n) return fail("t= is not a number");
    sig.timestamp = static_cast<int64_t>(*n);
  }
  if (x) {
    std::optional<uint64_t> n = ParseNumber(*x);
    if (!n) return fail("x= is not a number");
    sig.expiration = static_cast<int64_t>(*n);
    // Section 3.5: x= MUST be greater than t= when both are present.
    if (sig.timestamp && *sig.expiration <= *sig.timestamp) return fail("x= is not after t=");
  }
  return sig;
}

}  // namespace dkim
