// Confirmation tokens as the subscription and moderation flows use them:
// issued for one (list, address, purpose), sent once, stored only hashed
// (storage/token_repository.h), redeemed once.
//
// Purposes and what a token's payload names:
//   join, leave       the request (storage/request_repository.h) the
//                     person confirms from their own mailbox
//   moderate-join     a request a moderator decides (the token's address
//                     is the moderator it was sent to)
//   moderate-post     a held post (its hold id) a moderator decides
//   enable            a member disabled by bounces (their member id), sent
//                     with each warning: the reply re-enables delivery
//   bounce-probe      a member at the bounce threshold (their member id):
//                     the token is the probe's envelope, never replied to
//
// Check() tells apart what a person must be told differently: unknown,
// malformed, expired, already used, or meant for another list; none of
// these changes anything.
//
// Thread-safety: plain functions over the caller's Store.
#ifndef LISTD_LISTD_SERVICE_CONFIRMATION_TOKENS_H_
#define LISTD_LISTD_SERVICE_CONFIRMATION_TOKENS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

inline constexpr std::string_view kJoinPurpose = "join";
inline constexpr std::string_view kLeavePurpose = "leave";
inline constexpr std::string_view kModerateJoinPurpose = "moderate-join";
inline constexpr std::string_view kModeratePostPurpose = "moderate-post";
inline constexpr std::string_view kEnablePurpose = "enable";
inline constexpr std::string_view kBounceProbePurpose = "bounce-probe";

enum class TokenCheck { kValid, kMalformed, kUnknown, kExpired, kUsed, kOtherList };

struct CheckedToken {
  TokenCheck check = TokenCheck::kUnknown;
  storage::TokenRecord record;  // set unless malformed or unknown
  std::string problem;          // a sentence for the person; "" when valid
};

// What `token`, arriving at list `list_id` at `now`, is.
base::Result<CheckedToken> CheckToken(storage::Store& store, std::string_view token,
                                      int64_t list_id, int64_t now);

// What `token` is, for whichever list issued it (a web link names no
// list); kOtherList never comes back from here.
base::Result<CheckedToken> CheckTokenOfAnyList(storage::Store& store, std::string_view token,
                                               int64_t now);

// A new token for (list, purpose, address, payload), valid for `life`
// seconds from `now`; the token itself is returned, its hash stored.
base::Result<std::string> IssueToken(storage::Store& store, int64_t list_id,
                                     std::string_view purpose, const std::string& address,
                                     const std::string& payload, int64_t now, int64_t life);

// Marks `token` used; false when another use came first (it is then not
// this caller's to act on).
base::Result<bool> UseToken(storage::Store& store, const std::string& token, int64_t now);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_CONFIRMATION_TOKENS_H_
