// DKIM-Signature parsing, RFC 6376 section 3.5, with the checks of section
// 6.1.1 that need no key: version, required tags, i= within d=, From in h=.
#include "dkim/signature.h"
#include "base/ascii.h"

#include <algorithm>
#include <charconv>

#include "dkim/byte_scan.h"
#include "dkim/char_class.h"
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
  Signature sig;
  if (std::optional<std::string> error = ParseSignatureInto(value, sig)) {
    return SignatureParseError{std::move(*error),          std::move(sig.domain),
                               std::move(sig.selector),    std::move(sig.algorithm_name),
                               std::move(sig.b_base64),    std::move(sig.identity)};
  }
  return sig;
}

std::optional<std::string> ParseSignatureInto(std::string_view value, Signature& sig) {
  // Everything is reset, but with clear() and assign(), which keep the
  // storage of the strings and of the h= list from the previous message.
  sig.algorithm = SigningAlgorithm::kRsaSha256;
  sig.algorithm_name.clear();
  sig.signature.clear();
  sig.b_base64.clear();
  sig.body_hash.clear();
  sig.canonicalization = Canonicalization{};
  sig.domain.clear();
  sig.identity.clear();
  sig.body_length.reset();
  sig.selector.clear();
  sig.timestamp.reset();
  sig.expiration.reset();
  sig.b_value_begin = 0;
  sig.b_value_end = 0;
  size_t header_count = 0;  // entries of sig.signed_headers in use
  auto fail = [&sig, &header_count](std::string reason) -> std::optional<std::string> {
    sig.signed_headers.resize(header_count);
    return reason;
  };

  // One pass over the tags, section 3.5; values stay views into `value`
  // until needed, and no list of tags is built.
  std::optional<std::string_view> v, a, b, bh, c, d, h, i, l, q, s, t, x;
  TagReader reader(value);
  Tag tag;
  while (reader.Next(tag)) {
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
  if (!reader.error().empty()) return fail("signature syntax: " + reader.error());

  // What can be read is kept even when the signature is unusable, so it is
  // reported with its d=, s= and b= in Authentication-Results.
  std::string scratch;
  if (d) AssignWithoutWhitespace(*d, sig.domain);
  if (s) AssignWithoutWhitespace(*s, sig.selector);
  if (a) AssignWithoutWhitespace(*a, sig.algorithm_name);
  if (b) AssignWithoutWhitespace(*b, sig.b_base64);
  if (i) {
    std::optional<std::string> decoded = DecodeDkimQuotedPrintable(*i);
    if (!decoded) {
      AssignWithoutWhitespace(*i, sig.identity);
      return fail("i= is not valid dkim-quoted-printable");
    }
    sig.identity = std::move(*decoded);
  }
  const std::pair<const std::optional<std::string_view>*, const char*> required[] = {
      {&v, "v"}, {&a, "a"}, {&b, "b"}, {&bh, "bh"}, {&d, "d"}, {&h, "h"}, {&s, "s"}};
  for (const auto& [required_tag, name] : required) {
    if (!*required_tag) return fail("missing required tag " + std::string(name) + "=");
  }
  if (WithoutFws(*v, scratch) != "1") return fail("unsupported signature version v=" + std::string(*v));
  std::optional<SigningAlgorithm> algorithm = ParseSigningAlgorithm(sig.algorithm_name);
  if (!algorithm) return fail("unknown signing algorithm a=" + sig.algorithm_name);
  sig.algorithm = *algorithm;
  if (!Base64DecodeInto(sig.b_base64, sig.signature) || sig.signature.empty()) {
    return fail("b= is not valid base64");
  }
  // Section 3.7: the b= value is what the verifier blanks out before
  // hashing this field; remember where it lies (up to the next ';').
  size_t b_equals = static_cast<size_t>(b->data() - value.data());
  while (b_equals > 0 && value[b_equals - 1] != '=') --b_equals;
  size_t b_end = value.find(';', b_equals);
  sig.b_value_begin = b_equals;
  sig.b_value_end = b_end == std::string_view::npos ? value.size() : b_end;
  if (!Base64DecodeInto(*bh, sig.body_hash) || sig.body_hash.empty()) {
    return fail("bh= is not valid base64");
  }
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
    // FWS lies around names (section 3.5, h=), so the trimmed piece is
    // usually the name; WithoutFws only for a name folded inside.
    std::string_view name = names.substr(pos, end - pos);
    while (!name.empty() && HasClass(name.front(), kFws)) name.remove_prefix(1);
    while (!name.empty() && HasClass(name.back(), kFws)) name.remove_suffix(1);
    if (FindNonVisible(name.data(), 0, name.size()) != name.size()) name = WithoutFws(name, scratch);
    if (name.empty()) return fail("empty header name in h=");
    if (EqualsIgnoreCase(name, "From")) has_from = true;
    if (header_count < sig.signed_headers.size()) {
      sig.signed_headers[header_count].assign(name);
    } else {
      sig.signed_headers.emplace_back(name);
    }
    ++header_count;
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  sig.signed_headers.resize(header_count);
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
  if (sig.identity.empty()) sig.identity.assign("@").append(sig.domain);
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
  return std::nullopt;
}

}  // namespace dkim
