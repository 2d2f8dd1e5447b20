// Signing, RFC 6376 sections 3.5, 3.7 and 5; Ed25519 per RFC 8463.
#include "dkim/signer.h"

#include <algorithm>

#include "dkim/body_hash.h"
#include "dkim/header_selection.h"

namespace dkim {
namespace {

constexpr size_t kFoldAt = 78;  // RFC 5322 section 2.1.1 recommended line length

// Builds a header field, folding before a piece that would pass kFoldAt.
class FoldedField {
 public:
  explicit FoldedField(std::string_view start) : text_(start), line_length_(start.size()) {}

  // Appends `piece`, preceded by `separator` (" " or ""), folding first if
  // the line would grow too long.
  void Append(std::string_view separator, std::string_view piece) {
    if (line_length_ + separator.size() + piece.size() > kFoldAt && line_length_ > 1) {
      text_ += "\r\n\t";
      line_length_ = 1;
    } else {
      text_ += separator;
      line_length_ += separator.size();
    }
    text_ += piece;
    line_length_ += piece.size();
  }

  // Appends a long opaque value (base64), breaking it across lines.
  void AppendBroken(std::string_view value) {
    while (!value.empty()) {
      size_t room = kFoldAt > line_length_ ? kFoldAt - line_length_ : 0;
      if (room < 8) {
        text_ += "\r\n\t";
        line_length_ = 1;
        continue;
      }
      std::string_view chunk = value.substr(0, room);
      text_ += chunk;
      line_length_ += chunk.size();
      value.remove_prefix(chunk.size());
    }
  }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  size_t line_length_;
};

bool ListContains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

// Each name once (case-insensitively), first spelling kept: a name already
// covers every instance of its field, so listing it twice would sign the
// fields twice over and oversign by more than one.
std::vector<std::string> Deduplicated(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (!ListContains(out, n)) out.push_back(n);
  }
  return out;
}

}  // namespace

std::vector<std::string> SignerOptions::DefaultSignedHeaders() {
  return {"From",       "To",           "Cc",         "Subject",     "Date",
          "Message-ID", "Reply-To",     "In-Reply-To", "References", "MIME-Version",
          "Content-Type", "Content-Transfer-Encoding"};
}

Signer::Signer(SignerOptions options, PrivateKey key)
    : options_(std::move(options)), key_(std::move(key)), header_hasher_(HashAlgorithm::kSha256) {}

Result<Signer> Signer::Create(SignerOptions options, PrivateKey key) {
  if (options.domain.empty()) return Error{"signing domain (d=) is empty"};
  if (options.selector.empty()) return Error{"selector (s=) is empty"};
  for (char c : options.domain + options.selector) {
    if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '=') {
      return Error{"d= and s= may not contain ';', '=' or whitespace"};
    }
  }
  if (options.algorithm == SigningAlgorithm::kRsaSha1) {
    return Error{"rsa-sha1 signing is not allowed (RFC 8301 section 3.1)"};
  }
  if (KeyTypeOf(options.algorithm) != key.type()) {
    return Error{"the key does not match the algorithm " +
                 std::string(ToString(options.algorithm))};
  }
  if (key.type() == KeyType::kRsa && key.bits() < 1024) {
    return Error{"RSA keys under 1024 bits must not be used (RFC 8301 section 3.2)"};
  }
  if (options.identity) {
    // i= is written as given, so it must already be dkim-quoted-printable.
    std::optional<std::string> identity = DecodeDkimQuotedPrintable(*options.identity);
    if (!identity) return Error{"i= is not valid dkim-quoted-printable"};
    if (!IdentityWithinDomain(*identity, options.domain)) {
      return Error{"i= " + *identity + " is not within d= " + options.domain};
    }
  }
  if (options.lifetime && *options.lifetime <= 0) return Error{"x= lifetime must be positive"};
  options.headers = Deduplicated(options.headers);
  options.oversign = Deduplicated(options.oversign);
  if (!ListContains(options.headers, "From")) options.headers.insert(options.headers.begin(), "From");
  return Signer(std::move(options), std::move(key));
}

std::string Signer::BodyHash(const Message& message) const {
  return ComputeBodyHash(options_.canonicalization.body, HashAlgorithm::kSha256, message.body())
      .digest;
}

Result<std::string> Signer::Sign(const Message& message, int64_t now,
                                 const std::optional<std::string>& body_hash) {
  // h=: each requested field once per occurrence, oversigned ones once
  // more, each name a bounded number of times (header_selection.h).
  const std::vector<std::string> signed_names =
      SignedFieldNames(message, options_.headers, options_.oversign);
  const bool has_from = std::any_of(message.headers().begin(), message.headers().end(),
                                    [](const HeaderField& f) { return EqualsIgnoreCase(f.name, "From"); });
  if (!has_from) return Error{"the message has no From field to sign (RFC 6376 section 5.4)"};
  // RFC 6376 section 8.15: signing a message with two From fields would
  // vouch for whichever one its reader happens to show.
  if (std::optional<std::string> problem = FromFieldProblem(message)) {
    return Error{"refusing to sign: " + *problem};
  }

  std::string bh;
  uint64_t canonical_length = 0;
  if (body_hash && !options_.body_length) {
    bh = *body_hash;
  } else {
    dkim::BodyHash computed = ComputeBodyHash(options_.canonicalization.body,
                                              HashAlgorithm::kSha256, message.body());
    bh = std::move(computed.digest);
    canonical_length = computed.canonical_length;
  }

  FoldedField field("DKIM-Signature:");
  field.Append(" ", "v=1;");
  field.Append(" ", "a=" + std::string(ToString(options_.algorithm)) + ";");
  field.Append(" ", "c=" + ToString(options_.canonicalization) + ";");
  field.Append(" ", "d=" + options_.domain + ";");
  field.Append(" ", "s=" + options_.selector + ";");
  if (options_.timestamp || options_.lifetime) field.Append(" ", "t=" + std::to_string(now) + ";");
  if (options_.lifetime) field.Append(" ", "x=" + std::to_string(now + *options_.lifetime) + ";");
  if (options_.identity) field.Append(" ", "i=" + *options_.identity + ";");
  if (options_.body_length) field.Append(" ", "l=" + std::to_string(canonical_length) + ";");
  for (size_t i = 0; i < signed_names.size(); ++i) {
    std::string piece = (i == 0 ? "h=" : "") + signed_names[i] +
                        (i + 1 == signed_names.size() ? ";" : ":");
    field.Append(i == 0 ? " " : "", piece);
  }
  field.Append(" ", "bh=" + Base64Encode(bh) + ";");
  field.Append(" ", "b=");

  // Section 3.7: the selected fields, then this field with an empty b= and
  // no trailing CRLF, all canonicalized, hashed.
  std::string data;
  data.reserve(1024);
  AppendSelectedHeaders(message, signed_names, options_.canonicalization.header, data);
  AppendCanonicalHeaderNoCrlf(options_.canonicalization.header, field.text(), data);
  header_hasher_.Reset();
  header_hasher_.Update(data);
  Result<std::string> signature = key_.SignDigest(header_hasher_.Finish());
  if (!signature.ok()) return signature.failure();

  FoldedField signed_field = field;
  signed_field.AppendBroken(Base64Encode(*signature));
  return signed_field.text() + "\r\n";
}

}  // namespace dkim
