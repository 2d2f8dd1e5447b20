// ARC sealing, RFC 8617 section 5.1.
//
// STANDARDS
//   RFC 8617 sections 5.1 (sealer actions), 5.1.1 (seal hash input), 5.1.2
//   (sealing a failed chain), 4.1.1-4.1.3 (the three fields); RFC 6376
//   sections 3.7, 5.4.2 (AMS hashing, shared with the DKIM signer's
//   primitives); RFC 8301 (rsa-sha256, RSA >= 1024 bits); RFC 8463
//   (ed25519-sha256); RFC 8601 section 2.2 (resinfo syntax, for the AAR).
// LIMITS
//   at most 50 sets (kMaxArcInstance); AMS canonicalization is always
//   relaxed/relaxed, the AS's always relaxed (section 4.1.3); lines are
//   folded at 78 columns between tags, b= is broken across lines.
#include "dkim/arc_sealer.h"

#include <algorithm>

#include "dkim/arc_fields.h"
#include "dkim/body_hash.h"
#include "dkim/canonicalization.h"
#include "dkim/header_selection.h"
#include "dkim/signer.h"

namespace dkim {
namespace {

constexpr size_t kFoldAt = 78;  // RFC 5322 section 2.1.1

struct FieldTag {
  std::string name;
  std::string value;
};

// "Name: t1=v1; t2=v2; b=...\r\n": folds between tags when a line would
// pass kFoldAt and breaks the b= value into pieces. Folding only ever
// replaces a single space by CRLF+TAB (or sits inside b=), so the relaxed
// canonical form of the field does not depend on where the folds fall.
std::string BuildField(std::string_view name, const std::vector<FieldTag>& tags,
                       std::string_view b_value) {
  std::string text(name);
  text += ':';
  size_t line = text.size();
  for (size_t k = 0; k < tags.size(); ++k) {
    bool is_b = tags[k].name == "b";
    std::string piece = tags[k].name + "=" + (is_b ? std::string() : tags[k].value);
    bool last = k + 1 == tags.size();
    if (!is_b && !last) piece += ';';
    if (line + 1 + piece.size() > kFoldAt && line > 1) {
      text += "\r\n\t";
      line = 1;
    } else {
      text += ' ';
      ++line;
    }
    text += piece;
    line += piece.size();
    if (!is_b) continue;
    for (std::string_view rest = b_value; !rest.empty();) {
      size_t room = kFoldAt > line ? kFoldAt - line : 0;
      if (room < 8) {
        text += "\r\n\t";
        line = 1;
        continue;
      }
      std::string_view chunk = rest.substr(0, room);
      text += chunk;
      line += chunk.size();
      rest.remove_prefix(chunk.size());
    }
    if (!last) {
      text += ';';
      ++line;
    }
  }
  text += "\r\n";
  return text;
}

// Sorts the tags by name when the suite's normal form is asked for.
void Order(std::vector<FieldTag>& tags, ArcSealerOptions::TagOrder order) {
  if (order != ArcSealerOptions::TagOrder::kAlphabetical) return;
  std::sort(tags.begin(), tags.end(),
            [](const FieldTag& a, const FieldTag& b) { return a.name < b.name; });
}

bool IsArcField(std::string_view name) {
  return EqualsIgnoreCase(name, kArcSealName) || EqualsIgnoreCase(name, kArcMessageSignatureName) ||
         EqualsIgnoreCase(name, kArcAuthResultsName);
}

// True when every CR or LF in `text` is part of a fold (CRLF then WSP).
bool OnlyFolds(std::string_view text) {
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '\n') return false;
    if (text[k] != '\r') continue;
    if (k + 2 >= text.size() || text[k + 1] != '\n' ||
        (text[k + 2] != ' ' && text[k + 2] != '\t')) {
      return false;
    }
    k += 1;
  }
  return true;
}

std::string_view TrimFws(std::string_view text) {
  auto fws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && fws(text.front())) text.remove_prefix(1);
  while (!text.empty() && fws(text.back())) text.remove_suffix(1);
  return text;
}

// Splits an authres value at the ';' that are outside comments and
// quoted strings (RFC 8601 section 2.2).
std::vector<std::string_view> SplitResinfos(std::string_view value) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t k = 0; k < value.size(); ++k) {
    char c = value[k];
    if (c == '\\' && (quoted || depth > 0)) {
      ++k;
    } else if (quoted) {
      if (c == '"') quoted = false;
    } else if (c == '"' && depth == 0) {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (c == ';' && depth == 0) {
      out.push_back(value.substr(start, k - start));
      start = k + 1;
    }
  }
  out.push_back(value.substr(start));
  return out;
}

}  // namespace

std::vector<std::string> ArcSealerOptions::DefaultHeaders() {
  std::vector<std::string> names = SignerOptions::DefaultSignedHeaders();
  names.push_back("DKIM-Signature");
  return names;
}

ArcSealer::ArcSealer(ArcSealerOptions options, PrivateKey key)
    : options_(std::move(options)), key_(std::move(key)) {}

Result<ArcSealer> ArcSealer::Create(ArcSealerOptions options, PrivateKey key) {
  if (options.domain.empty()) return Error{"sealing domain (d=) is empty"};
  if (options.selector.empty()) return Error{"selector (s=) is empty"};
  for (char c : options.domain + options.selector) {
    if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '=') {
      return Error{"d= and s= may not contain ';', '=' or whitespace"};
    }
  }
  if (options.authserv_id.empty() ||
      options.authserv_id.find_first_of("; \t\r\n()\"") != std::string::npos) {
    return Error{"authserv-id must be a non-empty token without ';', spaces or quotes"};
  }
  if (options.algorithm == SigningAlgorithm::kRsaSha1) {
    return Error{"rsa-sha1 sealing is not allowed (RFC 8301 section 3.1)"};
  }
  if (KeyTypeOf(options.algorithm) != key.type()) {
    return Error{"the key does not match the algorithm " +
                 std::string(ToString(options.algorithm))};
  }
  if (key.type() == KeyType::kRsa && key.bits() < 1024) {
    return Error{"RSA keys under 1024 bits must not be used (RFC 8301 section 3.2)"};
  }
  for (const std::string& name : options.headers) {
    if (IsArcField(name)) {
      return Error{"the AMS must not sign " + name + " (RFC 8617 section 4.1.2)"};
    }
  }
  return ArcSealer(std::move(options), std::move(key));
}

Result<std::string> ArcSealer::Seal(const Message& message, const ArcValidation& chain,
                                    std::string_view results, int64_t now) {
  // Section 5.1 step 2: a chain its newest sealer already marked failed
  // gets no further set.
  if (chain.newest_seal_says_fail) {
    return Error{"the newest ARC-Seal says cv=fail: no set is added (RFC 8617 section 5.1)"};
  }
  // As for DKIM (RFC 6376 section 8.15): no seal over two authors.
  if (std::optional<std::string> problem = FromFieldProblem(message)) {
    return Error{"refusing to seal: " + *problem};
  }
  ArcFieldCollection found = CollectArcFields(message);
  if ((found.field_count == 0) != (chain.result == ArcResult::kNone)) {
    return Error{"the ARC validation given does not belong to this message"};
  }
  // Step 3: one more than the highest instance found.
  if (found.max_instance >= kMaxArcInstance) {
    return Error{"the chain already has " + std::to_string(found.max_instance) +
                 " ARC sets (at most " + std::to_string(kMaxArcInstance) + ")"};
  }
  const std::string instance = std::to_string(found.max_instance + 1);
  std::string payload(TrimFws(results));
  if (payload.empty()) payload = "none";
  if (!OnlyFolds(payload)) return Error{"the results text holds a line break that is not a fold"};

  // A: the AAR.
  std::string aar = std::string(kArcAuthResultsName) + ": i=" + instance + "; " +
                    options_.authserv_id + "; " + payload + "\r\n";

  // B: the AMS, as the DKIM signer builds h= (once per field present,
  // oversigned names once more), over the message as it stands.
  const std::vector<std::string> signed_names =
      SignedFieldNames(message, options_.headers, options_.oversign);
  std::string h;
  for (const std::string& name : signed_names) h += (h.empty() ? "" : ":") + name;
  std::string bh =
      Base64Encode(ComputeBodyHash(Canon::kRelaxed, HashAlgorithm::kSha256, message.body()).digest);
  const std::string algorithm(ToString(options_.algorithm));
  const std::string t = std::to_string(now);
  std::vector<FieldTag> ams_tags = {{"i", instance},
                                    {"a", algorithm},
                                    {"c", "relaxed/relaxed"},
                                    {"d", options_.domain},
                                    {"s", options_.selector},
                                    {"t", t},
                                    {"h", h},
                                    {"bh", bh},
                                    {"b", ""}};
  Order(ams_tags, options_.tag_order);
  std::string data;
  AppendSelectedHeaders(message, signed_names, Canon::kRelaxed, data);
  AppendCanonicalHeaderNoCrlf(Canon::kRelaxed, BuildField(kArcMessageSignatureName, ams_tags, ""),
                              data);
  Result<std::string> ams_signature = key_.SignDigest(HashBytes(HashAlgorithm::kSha256, data));
  if (!ams_signature.ok()) return ams_signature.failure();
  std::string ams = BuildField(kArcMessageSignatureName, ams_tags, Base64Encode(*ams_signature));

  // C: the AS over the sets in instance order, this one last; over this
  // set alone when the chain failed (section 5.1.2).
  std::vector<FieldTag> seal_tags = {{"i", instance},
                                     {"a", algorithm},
                                     {"cv", std::string(ToString(chain.result))},
                                     {"d", options_.domain},
                                     {"s", options_.selector},
                                     {"t", t},
                                     {"b", ""}};
  Order(seal_tags, options_.tag_order);
  std::vector<ArcSetFields> earlier;
  if (chain.result == ArcResult::kPass) {
    if (!found.error.empty()) return Error{"a passing chain cannot be malformed: " + found.error};
    earlier = found.sets;
  }
  data.clear();
  AppendSealHashInput(earlier, aar, ams, BuildField(kArcSealName, seal_tags, ""), "", data);
  Result<std::string> seal_signature = key_.SignDigest(HashBytes(HashAlgorithm::kSha256, data));
  if (!seal_signature.ok()) return seal_signature.failure();
  std::string seal = BuildField(kArcSealName, seal_tags, Base64Encode(*seal_signature));
  return seal + ams + aar;
}

std::string CollectAuthResults(const Message& message, std::string_view authserv_id) {
  std::string out;
  for (const HeaderField* field : message.FieldsNamed("Authentication-Results")) {
    std::vector<std::string_view> parts = SplitResinfos(field->value());
    // The first part is the authserv-id, perhaps with comments around it
    // and a version after it (RFC 8601 section 2.2).
    std::string first;
    int depth = 0;
    for (char c : parts.front()) {
      if (c == '(') ++depth;
      if (depth == 0) first += c;
      if (c == ')' && depth > 0) --depth;
    }
    std::string_view id = TrimFws(first);
    size_t space = id.find_first_of(" \t\r\n");
    if (space != std::string_view::npos) id = id.substr(0, space);
    if (parts.size() < 2 || !EqualsIgnoreCase(id, authserv_id)) continue;
    for (size_t k = 1; k < parts.size(); ++k) {
      std::string_view resinfo = TrimFws(parts[k]);
      if (resinfo.empty() || EqualsIgnoreCase(resinfo, "none")) continue;
      if (!out.empty()) out += ";\r\n\t";
      out += resinfo;
    }
  }
  return out;
}

}  // namespace dkim
