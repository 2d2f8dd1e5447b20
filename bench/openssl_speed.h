// OpensslSpeed: the reference figures, taken by running `openssl speed` in
// its machine-readable mode (-mr) during the benchmark's own run.
//
// What OpenSSL measures is what the primitives alone allow: SHA-256 over a
// buffer of the message's size (one-shot EVP_Digest per buffer), and one
// RSA-2048 or Ed25519 signature or verification. By default OpenSSL divides
// by CPU user time; with `wall_clock` it is run with -elapsed.
//
// Each call starts one `openssl` process and waits for it (about 1x the
// seconds for SHA-256, 2x for a signature algorithm: sign, then verify).
#ifndef LISTD_BENCH_OPENSSL_SPEED_H_
#define LISTD_BENCH_OPENSSL_SPEED_H_

#include <cstddef>
#include <string>
#include <vector>

#include "dkim/result.h"

namespace bench {

// Signatures and verifications per second for one key type.
struct SignVerifyRate {
  double sign_per_second = 0;
  double verify_per_second = 0;
};

class OpensslSpeed {
 public:
  // `openssl` is the program to run (a name looked up in PATH, or a path).
  OpensslSpeed(std::string openssl, int seconds, bool wall_clock);

  // SHA-256 throughput in bytes per second over buffers of `bytes` bytes.
  dkim::Result<double> Sha256BytesPerSecond(size_t bytes) const;
  // RSA-2048 (PKCS#1 v1.5) signs and verifies per second.
  dkim::Result<SignVerifyRate> Rsa2048() const;
  // Ed25519 signs and verifies per second.
  dkim::Result<SignVerifyRate> Ed25519() const;
  // The first line of `openssl version`, for the report's heading.
  std::string Version() const;

 private:
  // Runs openssl with `args`, returning everything it printed.
  dkim::Result<std::string> Run(const std::vector<std::string>& args) const;
  // Runs `openssl speed -mr ... algorithm` and returns the fields of the
  // first line starting with `tag` (e.g. "+F2"), split at ':'.
  dkim::Result<std::vector<std::string>> SpeedLine(const std::vector<std::string>& extra,
                                                   const std::string& algorithm,
                                                   const std::string& tag) const;

  std::string openssl_;
  int seconds_;
  bool wall_clock_;
};

}  // namespace bench

#endif  // LISTD_BENCH_OPENSSL_SPEED_H_
