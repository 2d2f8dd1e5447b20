// ARC header fields, RFC 8617 sections 4.1 and 4.2.
//
// STANDARDS
//   RFC 8617 sections 4.1.1-4.1.3 (AAR, AMS, AS syntax), 4.2.1 (instance
//   tags), 5.2 step 3 (set structure); RFC 6376 section 3.2 (tag lists) and
//   3.5 (the DKIM tags the AMS imports); RFC 8301 section 3.1 (no rsa-sha1).
// LIMITS
//   instances 1..50 (kMaxArcInstance); t=, x= and l= of at most 18 digits.
#include "dkim/arc_fields.h"

#include <charconv>

#include "dkim/crypto.h"
#include "dkim/tag_list.h"

namespace dkim {
namespace {

bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimFws(std::string_view text) {
  while (!text.empty() && IsFws(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsFws(text.back())) text.remove_suffix(1);
  return text;
}

// Digits only, no FWS inside ("t=1 2345" is an error, as the suite's
// whitespace tests expect), at most `max_digits`.
std::optional<uint64_t> ParseDigits(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<int> ParseInstance(std::string_view text) {
  std::optional<uint64_t> n = ParseDigits(TrimFws(text), 9);
  if (!n) return Error{"instance i=" + std::string(text) + " is not a number"};
  if (*n < 1) return Error{"instance i=0 (instances start at 1)"};
  return static_cast<int>(*n);
}

// A domain name as d= may hold it: dot-separated non-empty labels of
// letters, digits, '-' and '_' (selectors and DKIM domains use both), or
// UTF-8 (U-labels, RFC 8617 section 4.1.4).
bool IsPlausibleDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label = 0;
  for (char ch : domain) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c >= 0x80;
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

// The tag values the two signatures share, with their checks.
struct CommonTags {
  std::optional<std::string_view> a, b, d, i, s, t;
};

Status ReadCommon(std::string_view value, const CommonTags& tags, ArcSignatureTags& out) {
  const std::pair<const std::optional<std::string_view>*, const char*> required[] = {
      {&tags.i, "i"}, {&tags.a, "a"}, {&tags.b, "b"}, {&tags.d, "d"}, {&tags.s, "s"}};
  for (const auto& [tag, name] : required) {
    if (!*tag) return Error{"missing required tag " + std::string(name) + "="};
  }
  Result<int> instance = ParseInstance(*tags.i);
  if (!instance.ok()) return instance.failure();
  out.instance = *instance;
  out.algorithm_name = StripWhitespace(*tags.a);
  std::optional<SigningAlgorithm> algorithm = ParseSigningAlgorithm(out.algorithm_name);
  if (!algorithm) return Error{"unknown signing algorithm a=" + out.algorithm_name};
  if (*algorithm == SigningAlgorithm::kRsaSha1) {
    return Error{"rsa-sha1 is not accepted (RFC 8301 section 3.1)"};
  }
  out.algorithm = *algorithm;
  out.b_base64 = StripWhitespace(*tags.b);
  if (!Base64DecodeInto(out.b_base64, out.signature) || out.signature.empty()) {
    return Error{"b= is not valid base64"};
  }
  // The b= value, from just after "b=" to the next ';' (RFC 6376 3.7).
  size_t begin = static_cast<size_t>(tags.b->data() - value.data());
  while (begin > 0 && value[begin - 1] != '=') --begin;
  size_t end = value.find(';', begin);
  out.b_value_begin = begin;
  out.b_value_end = end == std::string_view::npos ? value.size() : end;
  out.domain = StripWhitespace(*tags.d);
  if (!IsPlausibleDomain(out.domain)) return Error{"d= is not a domain name: " + out.domain};
  out.selector = StripWhitespace(*tags.s);
  if (!IsPlausibleDomain(out.selector)) return Error{"s= is not a selector: " + out.selector};
  if (tags.t) {
    std::optional<uint64_t> t = ParseDigits(TrimFws(*tags.t), 18);
    if (!t) return Error{"t= is not a number"};
    out.timestamp = static_cast<int64_t>(*t);
  }
  return Ok();
}

// Stores `tag` in the common slot its name selects; false if it has none.
bool TakeCommon(const Tag& tag, CommonTags& common) {
  if (tag.name.size() != 1) return false;
  switch (tag.name[0]) {
    case 'a':
      common.a = tag.value;
      return true;
    case 'b':
      common.b = tag.value;
      return true;
    case 'd':
      common.d = tag.value;
      return true;
    case 'i':
      common.i = tag.value;
      return true;
    case 's':
      common.s = tag.value;
      return true;
    case 't':
      common.t = tag.value;
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view ToString(ArcResult r) {
  switch (r) {
    case ArcResult::kNone:
      return "none";
    case ArcResult::kPass:
      return "pass";
    case ArcResult::kFail:
      return "fail";
  }
  return "?";
}

Result<ArcMessageSignature> ParseArcMessageSignature(std::string_view value) {
  Result<TagList> list = TagList::Parse(value);
  if (!list.ok()) return Error{"AMS syntax: " + list.error()};
  CommonTags common;
  std::optional<std::string_view> bh, c, h, l, x;
  for (const Tag& tag : list->tags()) {
    if (TakeCommon(tag, common)) continue;
    if (tag.name == "bh") bh = tag.value;
    if (tag.name == "c") c = tag.value;
    if (tag.name == "h") h = tag.value;
    if (tag.name == "l") l = tag.value;
    if (tag.name == "x") x = tag.value;
    // v= and unknown tags are ignored (section 4.1.2, RFC 6376 3.2).
  }
  ArcMessageSignature ams;
  if (Status s = ReadCommon(value, common, ams); !s.ok()) return Error{"AMS: " + s.error()};
  if (!bh) return Error{"AMS: missing required tag bh="};
  if (!h) return Error{"AMS: missing required tag h="};
  if (!Base64DecodeInto(StripWhitespace(*bh), ams.body_hash) || ams.body_hash.empty()) {
    return Error{"AMS: bh= is not valid base64"};
  }
  if (c) {
    Result<Canonicalization> canon = ParseCanonicalization(StripWhitespace(*c));
    if (!canon.ok()) return Error{"AMS: " + canon.error()};
    ams.canonicalization = *canon;
  }
  // h=: names separated by ':' with FWS around them; an empty name (as in
  // "from::to") selects nothing, as a name with no field left would.
  std::string_view names = *h;
  for (size_t pos = 0; pos <= names.size();) {
    size_t colon = names.find(':', pos);
    size_t end = colon == std::string_view::npos ? names.size() : colon;
    std::string name = StripWhitespace(names.substr(pos, end - pos));
    if (!name.empty()) {
      // Section 4.1.2: ARC fields must not be signed by the AMS. Signing an
      // ARC-Seal is what breaks the chain's design (the seal covers the
      // AMS), so it is refused; earlier drafts listed the AAR and the AMS,
      // which validators (and the conformance suite) accept.
      if (EqualsIgnoreCase(name, kArcSealName)) return Error{"AMS: h= includes ARC-Seal"};
      ams.signed_headers.push_back(std::move(name));
    }
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (l) {
    std::optional<uint64_t> n = ParseDigits(TrimFws(*l), 18);
    if (!n) return Error{"AMS: l= is not a number"};
    ams.body_length = *n;
  }
  if (x) {
    std::optional<uint64_t> n = ParseDigits(TrimFws(*x), 18);
    if (!n) return Error{"AMS: x= is not a number"};
    ams.expiration = static_cast<int64_t>(*n);
  }
  return ams;
}

Result<ArcSeal> ParseArcSeal(std::string_view value) {
  Result<TagList> list = TagList::Parse(value);
  if (!list.ok()) return Error{"AS syntax: " + list.error()};
  CommonTags common;
  std::optional<std::string_view> cv;
  for (const Tag& tag : list->tags()) {
    if (TakeCommon(tag, common)) continue;
    if (tag.name == "cv") cv = tag.value;
    if (tag.name == "h") return Error{"AS: h= is not allowed in ARC-Seal (RFC 8617 4.1.3)"};
  }
  ArcSeal seal;
  if (Status s = ReadCommon(value, common, seal); !s.ok()) return Error{"AS: " + s.error()};
  if (!cv) return Error{"AS: missing required tag cv="};
  std::string_view status = TrimFws(*cv);
  if (status == "none") {
    seal.cv = ArcResult::kNone;
  } else if (status == "pass") {
    seal.cv = ArcResult::kPass;
  } else if (status == "fail") {
    seal.cv = ArcResult::kFail;
  } else {
    return Error{"AS: unknown cv=" + std::string(status)};
  }
  return seal;
}

Result<int> ParseArcAuthResultsInstance(std::string_view value) {
  // Only CFWS's whitespace half is skipped: a comment before i= is legal
  // but no sealer writes one.
  std::string_view rest = TrimFws(value);
  if (rest.substr(0, 2) != "i=") return Error{"AAR does not start with i="};
  rest.remove_prefix(2);
  size_t semicolon = rest.find(';');
  if (semicolon == std::string_view::npos) return Error{"AAR: no ';' after the instance"};
  return ParseInstance(rest.substr(0, semicolon));
}

ArcFieldCollection CollectArcFields(const Message& message) {
  ArcFieldCollection out;
  auto note = [&out](std::string error) {
    if (out.error.empty()) out.error = std::move(error);
  };
  for (const HeaderField& field : message.headers()) {
    int kind;
    if (EqualsIgnoreCase(field.name, kArcAuthResultsName)) {
      kind = 0;
    } else if (EqualsIgnoreCase(field.name, kArcMessageSignatureName)) {
      kind = 1;
    } else if (EqualsIgnoreCase(field.name, kArcSealName)) {
      kind = 2;
    } else {
      continue;
    }
    ++out.field_count;
    Result<int> instance = Error{""};
    if (kind == 0) {
      instance = ParseArcAuthResultsInstance(field.value());
    } else {
      // Only i= is needed here; the full parse comes with validation.
      Result<TagList> list = TagList::Parse(field.value());
      if (!list.ok()) {
        instance = Error{std::string(field.name) + " syntax: " + list.error()};
      } else if (std::optional<std::string_view> i = list->Get("i")) {
        instance = ParseInstance(*i);
      } else {
        instance = Error{std::string(field.name) + " has no i= tag"};
      }
    }
    if (!instance.ok()) {
      note(std::string(field.name) + ": " + instance.error());
      continue;
    }
    int n = *instance;
    if (n > out.max_instance) out.max_instance = n;
    if (n > kMaxArcInstance) continue;
    if (out.sets.size() < static_cast<size_t>(n)) out.sets.resize(static_cast<size_t>(n));
    ArcSetFields& set = out.sets[static_cast<size_t>(n - 1)];
    set.instance = n;
    const HeaderField** slot = kind == 0 ? &set.aar : kind == 1 ? &set.ams : &set.seal;
    if (*slot != nullptr) set.duplicate = true;
    *slot = &field;
  }
  if (out.max_instance > kMaxArcInstance) {
    note("more than " + std::to_string(kMaxArcInstance) +
         " ARC sets (i=" + std::to_string(out.max_instance) + ")");
  }
  for (size_t k = 0; k < out.sets.size(); ++k) {
    const ArcSetFields& set = out.sets[k];
    std::string at = " in ARC set i=" + std::to_string(k + 1);
    if (set.instance == 0) {
      note("instance gap: no ARC set i=" + std::to_string(k + 1));
    } else if (set.duplicate) {
      note("duplicate ARC header field" + at);
    } else if (set.aar == nullptr) {
      note("no ARC-Authentication-Results" + at);
    } else if (set.ams == nullptr) {
      note("no ARC-Message-Signature" + at);
    } else if (set.seal == nullptr) {
      note("no ARC-Seal" + at);
    }
  }
  return out;
}

void AppendSealHashInput(const std::vector<ArcSetFields>& earlier, std::string_view aar_raw,
                         std::string_view ams_raw, std::string_view seal_head,
                         std::string_view seal_tail, std::string& out) {
  for (const ArcSetFields& set : earlier) {
    AppendCanonicalHeader(Canon::kRelaxed, set.aar->raw, out);
    AppendCanonicalHeader(Canon::kRelaxed, set.ams->raw, out);
    AppendCanonicalHeader(Canon::kRelaxed, set.seal->raw, out);
  }
  AppendCanonicalHeader(Canon::kRelaxed, aar_raw, out);
  AppendCanonicalHeader(Canon::kRelaxed, ams_raw, out);
  AppendCanonicalHeaderNoCrlf(Canon::kRelaxed, seal_head, seal_tail, out);
}

}  // namespace dkim
