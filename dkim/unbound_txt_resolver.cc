// UnboundTxtResolver: TXT lookups through libunbound with a deadline per
// call. See unbound_txt_resolver.h for the contract.
#include "dkim/unbound_txt_resolver.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string_view>

namespace dkim {
namespace {

constexpr int kTypeTxt = 16;  // RFC 1035 section 3.2.2
constexpr int kClassIn = 1;   // RFC 1035 section 3.2.4
constexpr int kRcodeNoError = 0;
constexpr int kRcodeNxDomain = 3;

struct ResultDeleter {
  void operator()(ub_result* result) const { ub_resolve_free(result); }
};
using ResultPtr = std::unique_ptr<ub_result, ResultDeleter>;

TxtAnswer Failure(TxtAnswer::Status status, std::string error) {
  TxtAnswer answer;
  answer.status = status;
  answer.error = std::move(error);
  return answer;
}

std::string RcodeName(int rcode) {
  switch (rcode) {
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    default:
      return "RCODE " + std::to_string(rcode);
  }
}

// A name libunbound will take literally: no escapes, no blanks, labels of
// 1..63 octets, at most 253 octets without the root dot (RFC 1035 2.3.4).
bool IsQueryableName(std::string_view name, std::string* why) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) {
    *why = "empty DNS name";
    return false;
  }
  if (name.size() > 253) {
    *why = "DNS name longer than 253 octets";
    return false;
  }
  size_t label = 0;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') {
      *why = "DNS name contains a blank, control or backslash character";
      return false;
    }
    if (c == '.') {
      if (label == 0) {
        *why = "DNS name has an empty label";
        return false;
      }
      label = 0;
    } else if (++label > 63) {
      *why = "DNS label longer than 63 octets";
      return false;
    }
  }
  return true;
}

// One TXT rdata is a sequence of <length><bytes> character-strings (RFC 1035
// section 3.3.14); a DKIM record is their concatenation (RFC 6376 3.6.2.2).
bool JoinCharacterStrings(const char* data, int length, std::string* out) {
  if (length <= 0) return false;  // a TXT rdata holds at least one string
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  size_t size = static_cast<size_t>(length);
  size_t i = 0;
  out->clear();
  while (i < size) {
    size_t n = p[i++];
    if (n > size - i) return false;
    out->append(data + i, n);
    i += n;
  }
  return true;
}

TxtAnswer FromUnbound(int err, const ub_result* result) {
  if (err != 0)
    return Failure(TxtAnswer::Status::kTempFail,
                   std::string("DNS resolver error: ") + ub_strerror(err));
  if (result == nullptr)
    return Failure(TxtAnswer::Status::kTempFail, "DNS resolver returned no result");

  TxtAnswer answer;
  answer.ttl = static_cast<uint32_t>(std::max(result->ttl, 0));
  answer.dnssec_secure = result->secure != 0;
  answer.dnssec_bogus = result->bogus != 0;
  if (result->bogus) {
    // libunbound withholds bogus data; like SERVFAIL it may heal later.
    answer.status = TxtAnswer::Status::kTempFail;
    answer.error = std::string("DNSSEC validation failed: ") +
                   (result->why_bogus != nullptr ? result->why_bogus : "bogus answer");
    return answer;
  }
  if (result->rcode == kRcodeNxDomain || result->nxdomain) {
    answer.status = TxtAnswer::Status::kNoRecord;
    return answer;
  }
  if (result->rcode != kRcodeNoError) {
    answer.status = TxtAnswer::Status::kTempFail;
    answer.error = "DNS lookup failed: " + RcodeName(result->rcode);
    return answer;
  }
  if (!result->havedata) {  // NODATA: the name exists without TXT
    answer.status = TxtAnswer::Status::kNoRecord;
    return answer;
  }
  answer.status = TxtAnswer::Status::kFound;
  for (int i = 0; result->data[i] != nullptr; ++i) {
    std::string joined;
    if (!JoinCharacterStrings(result->data[i], result->len[i], &joined)) {
      return Failure(TxtAnswer::Status::kPermFail, "malformed TXT record data");
    }
    answer.records.push_back(std::move(joined));
  }
  return answer;
}

// One outstanding query of a LookupTxtMany call; libunbound's callback
// receives its address.
struct Pending {
  TxtAnswer* answer = nullptr;
  int async_id = 0;
  bool started = false;
  bool done = false;
};

void OnAnswer(void* mydata, int err, ub_result* result) {
  ResultPtr owned(result);
  auto* pending = static_cast<Pending*>(mydata);
  *pending->answer = FromUnbound(err, owned.get());
  pending->done = true;
}

bool AllDone(const std::vector<Pending>& pending) {
  return std::all_of(pending.begin(), pending.end(), [](const Pending& p) { return p.done; });
}

}  // namespace

Result<std::string> ParseForwarder(const std::string& forwarder) {
  std::string host = forwarder;
  std::string port = "53";
  if (!forwarder.empty() && forwarder.front() == '[') {  // [v6]:port
    size_t close = forwarder.find(']');
    if (close == std::string::npos) return Error{"forwarder '" + forwarder + "': missing ']'"};
    host = forwarder.substr(1, close - 1);
    std::string rest = forwarder.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':' && rest[0] != '@') {
        return Error{"forwarder '" + forwarder + "': expected ':port' after ']'"};
      }
      port = rest.substr(1);
    }
  } else if (size_t at = forwarder.find('@'); at != std::string::npos) {
    host = forwarder.substr(0, at);
    port = forwarder.substr(at + 1);
  } else if (std::count(forwarder.begin(), forwarder.end(), ':') == 1) {  // v4:port
    size_t colon = forwarder.find(':');
    host = forwarder.substr(0, colon);
    port = forwarder.substr(colon + 1);
  }

  unsigned char buffer[sizeof(in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), buffer) != 1 &&
      inet_pton(AF_INET6, host.c_str(), buffer) != 1) {
    return Error{"forwarder '" + forwarder + "': not an IPv4 or IPv6 address"};
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return Error{"forwarder '" + forwarder + "': port must be 1..65535"};
  }
  return host + "@" + port;
}

void UnboundTxtResolver::CtxDeleter::operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }

UnboundTxtResolver::UnboundTxtResolver(Key, CtxPtr ctx, int timeout_ms)
    : ctx_(std::move(ctx)), timeout_ms_(timeout_ms) {}

UnboundTxtResolver::~UnboundTxtResolver() = default;

Result<std::unique_ptr<UnboundTxtResolver>> UnboundTxtResolver::Create(
    const UnboundOptions& options) {
  if (options.timeout_ms <= 0) return Error{"DNS timeout must be positive"};
  CtxPtr ctx(ub_ctx_create());
  if (!ctx) return Error{"cannot create a libunbound context"};

  // A worker thread, not libunbound's default forked process: nothing
  // outlives the resolver and no process is forked inside the daemon.
  if (int rc = ub_ctx_async(ctx.get(), 1); rc != 0) {
    return Error{std::string("libunbound: cannot use threads: ") + ub_strerror(rc)};
  }
  if (!options.forwarder.empty()) {
    Result<std::string> address = ParseForwarder(options.forwarder);
    if (!address.ok()) return address.failure();
    if (int rc = ub_ctx_set_fwd(ctx.get(), address->c_str()); rc != 0) {
      return Error{"forwarder '" + options.forwarder + "': " + ub_strerror(rc)};
    }
  } else if (int rc = ub_ctx_resolvconf(ctx.get(), nullptr); rc != 0) {
    return Error{std::string("cannot use /etc/resolv.conf: ") + ub_strerror(rc)};
  }
  if (!options.trust_anchor_file.empty()) {
    // libunbound reads the file only at the first query; say it now.
    if (!std::ifstream(options.trust_anchor_file)) {
      return Error{"trust anchor file '" + options.trust_anchor_file + "': cannot be read"};
    }
    if (int rc = ub_ctx_add_ta_file(ctx.get(), options.trust_anchor_file.c_str()); rc != 0) {
      return Error{"trust anchor file '" + options.trust_anchor_file + "': " + ub_strerror(rc)};
    }
  }
  return std::make_unique<UnboundTxtResolver>(Key(), std::move(ctx), options.timeout_ms);
}

TxtAnswer UnboundTxtResolver::LookupTxt(const std::string& name) {
  return LookupTxtMany({name}).front();
}

std::vector<TxtAnswer> UnboundTxtResolver::LookupTxtMany(const std::vector<std::string>& names) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::vector<TxtAnswer> answers(names.size());
  // Sized once: libunbound holds pointers into it until each query ends.
  std::vector<Pending> pending(names.size());

  for (size_t i = 0; i < names.size(); ++i) {
    pending[i].answer = &answers[i];
    std::string why;
    if (!IsQueryableName(names[i], &why)) {
      answers[i] = Failure(TxtAnswer::Status::kPermFail, why + ": '" + names[i] + "'");
      pending[i].done = true;
      continue;
    }
    int rc = ub_resolve_async(ctx_.get(), names[i].c_str(), kTypeTxt, kClassIn, &pending[i],
                              &OnAnswer, &pending[i].async_id);
    if (rc != 0) {
      answers[i] = Failure(TxtAnswer::Status::kTempFail,
                           std::string("cannot start DNS query: ") + ub_strerror(rc));
      pending[i].done = true;
      continue;
    }
    pending[i].started = true;
  }

  std::string trouble;
  const int fd = ub_fd(ctx_.get());
  while (!AllDone(pending)) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd ready{fd, POLLIN, 0};
    int polled = poll(&ready, 1, static_cast<int>(left));
    if (polled < 0) {
      if (errno == EINTR) continue;
      trouble = std::string("poll: ") + std::strerror(errno);
      break;
    }
    if (polled > 0) {
      if (int rc = ub_process(ctx_.get()); rc != 0) {
        trouble = std::string("libunbound: ") + ub_strerror(rc);
        break;
      }
    }
  }

  for (Pending& p : pending) {
    if (p.done) continue;
    // After ub_cancel libunbound never calls back, so `pending` may go.
    if (p.started) ub_cancel(ctx_.get(), p.async_id);
    *p.answer = Failure(
        TxtAnswer::Status::kTempFail,
        trouble.empty() ? "DNS timeout after " + std::to_string(timeout_ms_) + " ms" : trouble);
  }
  return answers;
}

}  // namespace dkim
