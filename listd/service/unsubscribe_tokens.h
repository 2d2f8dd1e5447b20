// Member link tokens: the proof in a member's own links, the RFC 8058
// one-click unsubscribe URL (BASE/u/TOKEN, and issue 14's
// mailto:LIST-leave+TOKEN@) and the preferences page (BASE/preferences/
// TOKEN), made without a row per copy sent.
//
// A token is "LISTID.MEMBERID.MAC": MAC is base64url of the first 16 bytes
// of HMAC-SHA256 under the list's member-link secret (32 bytes from the
// CSPRNG, made on first use and sealed in list_secrets like the keys) over
// the purpose and the two ids, so an unsubscribe token does not open the
// preferences page nor the other way round. Verifying reads the secret and
// the member: a tampered token, one of another list or member, one whose
// member left (a new subscription is a new id), or one made before the
// secret was rotated is simply not valid; the caller gives a neutral
// answer and changes nothing. Rotating the secret revokes every link of
// the list at once. Comparison is constant-time.
//
// Thread-safety: plain functions over the caller's Store; Make may write
// (the first secret) inside the caller's transaction.
#ifndef LISTD_LISTD_SERVICE_UNSUBSCRIBE_TOKENS_H_
#define LISTD_LISTD_SERVICE_UNSUBSCRIBE_TOKENS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

enum class LinkPurpose { kUnsubscribe, kPreferences };

// The list_secrets purpose the MAC key is kept under.
inline constexpr std::string_view kMemberLinkSecret = "member-links";

// The token for member `member_id` of list `list_id`, for `purpose`.
base::Result<std::string> MakeMemberToken(storage::Store& store, int64_t list_id, int64_t member_id,
                                          LinkPurpose purpose, int64_t now);

// The member `token` names, when it is a valid token for `purpose`;
// nullopt for anything else (malformed, tampered, another purpose, a
// member gone, a rotated secret). Errors are store failures only.
base::Result<std::optional<storage::MemberRecord>> VerifyMemberToken(storage::Store& store,
                                                                     std::string_view token,
                                                                     LinkPurpose purpose);

// A new member-link secret for the list: every earlier token stops
// verifying.
base::Status RotateMemberLinkSecret(storage::Store& store, int64_t list_id,
                                    const std::string& actor, int64_t now);

// BASE/u/TOKEN and BASE/preferences/TOKEN.
std::string UnsubscribeUrl(std::string_view base_url, std::string_view token);
std::string PreferencesUrl(std::string_view base_url, std::string_view token);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_UNSUBSCRIBE_TOKENS_H_
