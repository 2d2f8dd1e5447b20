// Shared by the pipeline tests: a fixed post, keys made once per run, a
// DNS table that publishes them, and a signing helper, so that
// authenticate_test and record_test start from the same signed mail.
#ifndef LISTD_TESTS_PIPELINE_TEST_MAIL_H_
#define LISTD_TESTS_PIPELINE_TEST_MAIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dkim/crypto.h"
#include "dkim/key_resolver.h"
#include "dkim/signer.h"
#include "dkim/txt_resolver.h"
#include "listd/pipeline/authenticate.h"

namespace pipeline_test {

constexpr int64_t kNow = 1800000000;
inline constexpr const char* kOurId = "lists.example.org";
inline constexpr const char* kMx = "mx.example.org";

// A plain post from jane@example.org to the demo list.
extern const std::string kPost;

// An Ed25519 key at ed._domainkey.example.org and an RSA-2048 key at
// rsa._domainkey.example.org, made once per run.
const dkim::PrivateKey& EdKey();
const dkim::PrivateKey& RsaKey();

// `text` with a DKIM-Signature of example.org (selector "ed" or "rsa")
// prepended; `headers` replaces the signer's default h= when not empty.
std::string SignedBy(const std::string& text, const std::string& selector,
                     std::vector<std::string> headers = {});

// `text` with the first `from` replaced by `to` (the test fails if absent).
std::string Replace(std::string text, const std::string& from, const std::string& to);

// DNS holding both keys, a key resolver over it, and options naming us
// and a trusted MX.
struct AuthFixture {
  dkim::StaticTxtResolver dns;
  dkim::DnsKeyResolver keys{dns, [] { return kNow; }};
  listd::pipeline::AuthenticateOptions options;

  AuthFixture();
  // Authenticate() that must succeed.
  listd::pipeline::Authentication Run(const std::string& text);
};

}  // namespace pipeline_test

#endif  // LISTD_TESTS_PIPELINE_TEST_MAIL_H_
