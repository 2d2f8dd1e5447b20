// Key records, RFC 6376 section 3.6.1; Ed25519 keys, RFC 8463 section 4.
#include "dkim/key_record.h"

#include "dkim/tag_list.h"

namespace dkim {
namespace {

// Splits a colon-separated list (h=, s=, t=), trimming FWS around items.
std::vector<std::string> SplitColonList(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t colon = text.find(':', pos);
    size_t end = colon == std::string_view::npos ? text.size() : colon;
    std::string item = StripWhitespace(text.substr(pos, end - pos));
    if (!item.empty()) out.push_back(item);
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  return out;
}

}  // namespace

bool KeyRecord::AllowsHash(std::string_view hash) const {
  if (hash_algorithms.empty()) return true;
  for (const std::string& h : hash_algorithms) {
    if (h == hash) return true;
  }
  return false;
}

bool KeyRecord::AllowsEmail() const {
  for (const std::string& s : service_types) {
    if (s == "*" || s == "email") return true;
  }
  return false;
}

Result<KeyRecord> ParseKeyRecord(std::string_view text) {
  Result<TagList> tags = TagList::Parse(text);
  if (!tags.ok()) return Error{"key record syntax: " + tags.error()};
  KeyRecord record;
  record.service_types = {"*"};
  const std::vector<Tag>& list = tags->tags();
  // v= is optional, but when present it must be first and exactly "DKIM1".
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].name != "v") continue;
    if (i != 0) return Error{"key record v= is not the first tag"};
    if (list[i].value != "DKIM1") {
      return Error{"key record version v=" + std::string(list[i].value) + " is not DKIM1"};
    }
  }
  std::optional<std::string_view> p = tags->Get("p");
  if (!p) return Error{"key record has no p= tag"};
  if (auto h = tags->Get("h")) record.hash_algorithms = SplitColonList(*h);
  if (auto s = tags->Get("s")) record.service_types = SplitColonList(*s);
  if (auto n = tags->Get("n")) record.notes = std::string(*n);
  if (auto t = tags->Get("t")) {
    for (const std::string& flag : SplitColonList(*t)) {
      if (flag == "y") record.testing = true;
      if (flag == "s") record.strict_identity = true;
    }
  }
  if (auto k = tags->Get("k")) record.key_type_name = StripWhitespace(*k);
  if (record.key_type_name == "rsa") {
    record.key_type = KeyType::kRsa;
  } else if (record.key_type_name == "ed25519") {
    record.key_type = KeyType::kEd25519;
  } else {
    record.known_key_type = false;  // a verifier reports it per signature
  }
  std::string p_base64 = StripWhitespace(*p);
  if (p_base64.empty()) {
    record.revoked = true;  // section 3.6.1: an empty p= means revoked
    return record;
  }
  Result<std::string> der = Base64Decode(p_base64);
  if (!der.ok()) return Error{"key record p= is not valid base64"};
  record.public_key_der = std::move(*der);
  if (record.known_key_type) {
    Result<PublicKey> key = PublicKey::FromRecordBytes(record.key_type, record.public_key_der);
    if (key.ok()) {
      record.public_key = std::make_shared<PublicKey>(std::move(*key));
    } else {
      record.public_key_error = key.error();
    }
  }
  return record;
}

std::string FormatKeyRecord(KeyType type, std::string_view public_key_base64,
                            std::string_view flags) {
  std::string out = "v=DKIM1; k=";
  out += type == KeyType::kRsa ? "rsa" : "ed25519";
  if (!flags.empty()) {
    out += "; t=";
    out += flags;
  }
  out += "; p=";
  out += public_key_base64;
  return out;
}

std::string FormatZoneFileRecord(std::string_view selector, std::string_view domain,
                                 std::string_view record_value) {
  std::string out;
  out += selector;
  out += "._domainkey.";
  out += domain;
  out += ". IN TXT (";
  // Character-strings hold at most 255 bytes (RFC 1035 section 3.3.14);
  // the record is their concatenation (RFC 6376 section 3.6.2.2).
  for (size_t pos = 0; pos < record_value.size(); pos += 255) {
    out += " \"";
    out += record_value.substr(pos, 255);
    out += "\"";
  }
  if (record_value.empty()) out += " \"\"";
  out += " )\n";
  return out;
}

}  // namespace dkim
