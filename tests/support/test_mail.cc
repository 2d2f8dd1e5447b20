#include "tests/support/test_mail.h"

#include <catch2/catch.hpp>
#include <utility>

namespace pipeline_test {

const std::string kPost =
    "From: Jane Doe <jane@example.org>\r\n"
    "To: demo@lists.example.org\r\n"
    "Subject: Minutes of Tuesday\r\n"
    "Date: Tue, 14 Jan 2027 10:00:00 +0000\r\n"
    "Message-ID: <minutes-1@example.org>\r\n"
    "\r\n"
    "The minutes are attached in spirit.\r\n"
    "\r\n"
    "Jane\r\n";

const dkim::PrivateKey& EdKey() {
  static const dkim::PrivateKey key =
      std::move(*dkim::PrivateKey::Generate(dkim::KeyType::kEd25519));
  return key;
}

const dkim::PrivateKey& RsaKey() {
  static const dkim::PrivateKey key =
      std::move(*dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 2048));
  return key;
}

std::string SignedBy(const std::string& text, const std::string& selector,
                     std::vector<std::string> headers) {
  const bool ed = selector == "ed";
  dkim::SignerOptions options;
  options.domain = "example.org";
  options.selector = selector;
  options.algorithm =
      ed ? dkim::SigningAlgorithm::kEd25519Sha256 : dkim::SigningAlgorithm::kRsaSha256;
  if (!headers.empty()) options.headers = std::move(headers);
  auto message = dkim::Message::Parse(text);
  REQUIRE(message.ok());
  auto signer = dkim::Signer::Create(std::move(options), (ed ? EdKey() : RsaKey()).Clone());
  REQUIRE(signer.ok());
  auto field = signer->Sign(*message, kNow);
  REQUIRE(field.ok());
  return *field + text;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

AuthFixture::AuthFixture() {
  dns.Add("ed._domainkey.example.org", "v=DKIM1; k=ed25519; p=" + EdKey().PublicKeyBase64());
  dns.Add("rsa._domainkey.example.org", "v=DKIM1; k=rsa; p=" + RsaKey().PublicKeyBase64());
  options.authserv_id = kOurId;
  options.trusted_authserv_ids = {kMx};
  options.now = kNow;
}

listd::pipeline::Authentication AuthFixture::Run(const std::string& text) {
  auto auth = listd::pipeline::Authenticate(text, options, keys);
  INFO(text);
  REQUIRE(auth.ok());
  return std::move(*auth);
}

}  // namespace pipeline_test
