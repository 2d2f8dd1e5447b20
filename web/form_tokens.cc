// FormTokens (see form_tokens.h).
#include "web/form_tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

#include "base/base64url.h"

namespace web {
namespace {

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

FormTokens::FormTokens(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < 32) {
    secret_.assign(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret_.data()), 32) != 1) {
      throw std::runtime_error("the CSPRNG failed");
    }
  }
}

std::string FormTokens::Mac(std::string_view message) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return base::Base64Url(digest, length);
}

std::string FormTokens::CsrfFor(std::string_view session_id) const {
  return Mac("csrf\n" + std::string(session_id));
}

bool FormTokens::IsCsrfOf(std::string_view token, std::string_view session_id) const {
  return !session_id.empty() && SameBytes(token, CsrfFor(session_id));
}

std::string FormTokens::Timed(std::string_view purpose, std::string_view binding,
                              int64_t now) const {
  std::string issued = std::to_string(now);
  return issued + "." +
         Mac("form\n" + std::string(purpose) + "\n" + std::string(binding) + "\n" + issued);
}

base::Status FormTokens::CheckTimed(std::string_view token, std::string_view purpose,
                                    std::string_view binding, int64_t now, int64_t min_age,
                                    int64_t max_age) const {
  const auto refused = base::Forbidden(
      "This form has expired or did not come from this site. Please load the page again.");
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return refused;
  int64_t issued = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + dot, issued);
  if (error != std::errc() || end != token.data() + dot) return refused;
  std::string expected = Mac("form\n" + std::string(purpose) + "\n" + std::string(binding) + "\n" +
                             std::string(token.substr(0, dot)));
  if (!SameBytes(token.substr(dot + 1), expected)) return refused;
  if (now - issued < min_age) {
    return base::Forbidden(
        "That was quicker than a person types. Please wait a moment and send "
        "the form again.");
  }
  if (now - issued > max_age) return refused;
  return base::Ok();
}

std::string FormTokens::RandomToken(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("the CSPRNG failed");
  }
  return base::Base64Url(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace web
