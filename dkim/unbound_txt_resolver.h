// UnboundTxtResolver: the real DNS beneath TxtResolver, through libunbound.
// Queries go to one forwarder (a resolver such as the local unbound) or to
// the nameservers of /etc/resolv.conf; libunbound's cache keeps each answer
// for its TTL, so this is also listd's DNS cache. With a trust anchor file,
// answers are DNSSEC-validated and TxtAnswer says secure or bogus.
//
// Outcomes: NXDOMAIN and NODATA -> kNoRecord; SERVFAIL, REFUSED, network
// errors, DNSSEC-bogus answers and timeouts -> kTempFail; a malformed name or
// TXT rdata -> kPermFail. TXT character-strings are joined (RFC 6376 section
// 3.6.2.2).
//
// Timeouts: libunbound retries by itself for a long time, so each call has
// its own deadline (`timeout_ms`): queries are started with ub_resolve_async
// and the answers are collected with poll(ub_fd) + ub_process until they are
// all in or the deadline passes; what is still out is cancelled.
//
// Thread-safety: NOT thread-safe. Give each thread its own resolver (each
// has its own ub_ctx, cache and worker thread).
#ifndef LISTD_DKIM_UNBOUND_TXT_RESOLVER_H_
#define LISTD_DKIM_UNBOUND_TXT_RESOLVER_H_

#include <memory>
#include <string>
#include <vector>

#include "dkim/result.h"
#include "dkim/txt_resolver.h"

struct ub_ctx;

namespace dkim {

struct UnboundOptions {
  // "127.0.0.1:5353", "127.0.0.1@5353", "::1", "[::1]:5353" (an IP address,
  // port 53 when absent); empty = the nameservers of /etc/resolv.conf.
  std::string forwarder;
  // The deadline of one LookupTxt / LookupTxtMany call.
  int timeout_ms = 5000;
  // Optional DNSSEC trust anchors (zone-file DS/DNSKEY lines).
  std::string trust_anchor_file;
};

class UnboundTxtResolver : public TxtResolver {
 private:
  struct CtxDeleter {
    void operator()(ub_ctx* ctx) const;
  };
  using CtxPtr = std::unique_ptr<ub_ctx, CtxDeleter>;
  // Only Create() can make one: it alone can name a Key.
  struct Key {
    explicit Key() = default;
  };

 public:
  // Builds a resolver; fails on a malformed forwarder, an unreadable
  // resolv.conf or trust anchor file, or a timeout_ms that is not positive.
  static Result<std::unique_ptr<UnboundTxtResolver>> Create(const UnboundOptions& options);

  // Use Create().
  UnboundTxtResolver(Key, CtxPtr ctx, int timeout_ms);
  ~UnboundTxtResolver() override;
  UnboundTxtResolver(const UnboundTxtResolver&) = delete;
  UnboundTxtResolver& operator=(const UnboundTxtResolver&) = delete;

  // One name; waits at most timeout_ms.
  TxtAnswer LookupTxt(const std::string& name) override;
  // All names concurrently; waits at most timeout_ms in total.
  std::vector<TxtAnswer> LookupTxtMany(const std::vector<std::string>& names) override;

 private:
  CtxPtr ctx_;
  int timeout_ms_;
};

// Turns a forwarder spelling of UnboundOptions into libunbound's
// "address@port"; exposed for tests.
Result<std::string> ParseForwarder(const std::string& forwarder);

}  // namespace dkim

#endif  // LISTD_DKIM_UNBOUND_TXT_RESOLVER_H_
