// Confirmation tokens (see confirmation_tokens.h).
#include "listd/service/confirmation_tokens.h"

#include <algorithm>

namespace listd::service {
namespace {

// base64url (RFC 4648 section 5), the alphabet NewToken writes; the length
// bounds keep a mistyped or hostile token from reaching the store.
bool LooksLikeToken(std::string_view token) {
  if (token.size() < 16 || token.size() > 128) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

}  // namespace

base::Result<CheckedToken> CheckToken(storage::Store& store, std::string_view token,
                                      int64_t list_id, int64_t now) {
  CheckedToken checked;
  if (!LooksLikeToken(token)) {
    checked.check = TokenCheck::kMalformed;
    checked.problem = "this is not a confirmation token listd writes";
    return checked;
  }
  auto found = store.tokens().Find(std::string(token));
  if (!found) return found.failure();
  if (!*found) {
    checked.check = TokenCheck::kUnknown;
    checked.problem = "no such confirmation token (mistyped, or from an old request)";
    return checked;
  }
  checked.record = (*found)->record;
  if (checked.record.list_id != list_id) {
    checked.check = TokenCheck::kOtherList;
    checked.problem = "this confirmation token belongs to another list";
  } else if ((*found)->used_at) {
    checked.check = TokenCheck::kUsed;
    checked.problem = "this confirmation token was already used";
  } else if (checked.record.expires_at <= now) {
    checked.check = TokenCheck::kExpired;
    checked.problem = "this confirmation token has expired; please make the request again";
  } else {
    checked.check = TokenCheck::kValid;
  }
  return checked;
}

base::Result<CheckedToken> CheckTokenOfAnyList(storage::Store& store, std::string_view token,
                                               int64_t now) {
  if (LooksLikeToken(token)) {
    auto found = store.tokens().Find(std::string(token));
    if (!found) return found.failure();
    if (*found) return CheckToken(store, token, (*found)->record.list_id, now);
  }
  return CheckToken(store, token, 0, now);
}

base::Result<std::string> IssueToken(storage::Store& store, int64_t list_id,
                                     std::string_view purpose, const std::string& address,
                                     const std::string& payload, int64_t now, int64_t life) {
  const std::string token = storage::NewToken();
  storage::TokenRecord record;
  record.list_id = list_id;
  record.purpose = std::string(purpose);
  record.address = address;
  record.payload = payload;
  record.created_at = now;
  record.expires_at = now + life;
  base::Status added = store.tokens().Add(token, record);
  if (!added) return added.failure();
  return token;
}

base::Result<bool> UseToken(storage::Store& store, const std::string& token, int64_t now) {
  auto redeemed = store.tokens().Redeem(token, now);
  if (!redeemed) return redeemed.failure();
  return redeemed->has_value();
}

}  // namespace listd::service
