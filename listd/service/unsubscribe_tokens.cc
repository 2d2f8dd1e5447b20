// Member link tokens (see unsubscribe_tokens.h).
#include "listd/service/unsubscribe_tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "base/base64url.h"

namespace listd::service {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kMacBytes = 16;  // 128 bits: unguessable, and a short URL

std::string_view PurposeName(LinkPurpose purpose) {
  return purpose == LinkPurpose::kUnsubscribe ? "unsubscribe" : "preferences";
}

std::string Mac(std::string_view secret, LinkPurpose purpose, int64_t list_id, int64_t member_id) {
  const std::string message = "listd member link\n" + std::string(PurposeName(purpose)) + "\n" +
                              std::to_string(list_id) + "." + std::to_string(member_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return base::Base64Url(digest, kMacBytes);
}

bool ParseId(std::string_view text, int64_t& id) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc() && end == text.data() + text.size() && id > 0;
}

base::Result<base::SecretBytes> MakeSecret(storage::Store& store, int64_t list_id, int64_t now) {
  base::SecretBytes secret(kSecretBytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), kSecretBytes) != 1) {
    return base::Error{"the CSPRNG failed to make a member-link secret"};
  }
  base::Status stored = store.list_secrets().Put(list_id, kMemberLinkSecret, secret.view(), now);
  if (!stored) return stored.failure();
  return secret;
}

}  // namespace

base::Result<std::string> MakeMemberToken(storage::Store& store, int64_t list_id, int64_t member_id,
                                          LinkPurpose purpose, int64_t now) {
  auto secret = store.list_secrets().Get(list_id, kMemberLinkSecret);
  if (!secret) return secret.failure();
  if (!*secret) {
    auto made = MakeSecret(store, list_id, now);
    if (!made) return made.failure();
    secret->emplace(std::move(*made));
  }
  return std::to_string(list_id) + "." + std::to_string(member_id) + "." +
         Mac((*secret)->view(), purpose, list_id, member_id);
}

base::Result<std::optional<storage::MemberRecord>> VerifyMemberToken(storage::Store& store,
                                                                     std::string_view token,
                                                                     LinkPurpose purpose) {
  using Found = std::optional<storage::MemberRecord>;
  if (token.size() > 80) return Found();
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return Found();
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return Found();
  int64_t list_id = 0;
  int64_t member_id = 0;
  if (!ParseId(token.substr(0, first), list_id) ||
      !ParseId(token.substr(first + 1, second - first - 1), member_id)) {
    return Found();
  }
  const std::string_view given = token.substr(second + 1);
  auto secret = store.list_secrets().Get(list_id, kMemberLinkSecret);
  if (!secret) return secret.failure();
  if (!*secret) return Found();
  const std::string expected = Mac((*secret)->view(), purpose, list_id, member_id);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Found();
  }
  auto member = store.members().FindById(member_id);
  if (!member) return member.failure();
  if (!*member || (*member)->list_id != list_id) return Found();
  return member;
}

base::Status RotateMemberLinkSecret(storage::Store& store, int64_t list_id,
                                    const std::string& actor, int64_t now) {
  auto made = MakeSecret(store, list_id, now);
  if (!made) return made.failure();
  return store.events().Record(now, actor, list_id, "list.secret_rotated",
                               "the member-link secret was replaced: earlier unsubscribe and "
                               "preferences links no longer work");
}

std::string UnsubscribeUrl(std::string_view base_url, std::string_view token) {
  return std::string(base_url) + "/u/" + std::string(token);
}

std::string PreferencesUrl(std::string_view base_url, std::string_view token) {
  return std::string(base_url) + "/preferences/" + std::string(token);
}

}  // namespace listd::service
