// Transport: hands one batch (one message, one envelope sender, up to about
// a hundred recipients) to the next hop and says, per recipient, what became
// of it. Two kinds exist: SMTP to a smarthost (libcurl, smtp_transport.h)
// and a local Maildir for hosts without an MTA (maildir_transport.h).
//
// Contract: Send() never throws and never retries; the delivery queue above
// decides what to retry, from the per-recipient Outcome. One Transport
// belongs to one thread at a time (an SMTP transport owns a curl handle and
// its connection); MakeTransportFactory() returns a factory so that each
// delivery worker builds its own.
//
// Result codes: `code` is the SMTP reply code that decided the outcome
// (RFC 5321 section 4.2), or 0 when no reply did (connection refused,
// timeout, an address that could not be sent). The Maildir transport uses
// SMTP-like codes (250, 451, 554) so that callers treat both alike.
#ifndef LISTD_LISTD_DELIVERY_TRANSPORT_H_
#define LISTD_LISTD_DELIVERY_TRANSPORT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace listd::delivery {

// What became of one recipient: delivered, try again later, give up on
// this recipient (a refusal of the recipient: a 5xx to its RCPT), or give
// up on the message (kRefused: a 5xx to MAIL FROM, DATA or the end of data,
// a verdict on the sender or the content that is no fault of the
// recipient, so it must never count against them as a bounce).
enum class Outcome { kDelivered, kTempFail, kPermFail, kRefused };

// The fate of one recipient of a batch.
struct RecipientResult {
  std::string recipient;
  Outcome outcome = Outcome::kTempFail;
  int code = 0;       // the deciding SMTP reply code, 0 when none
  std::string reply;  // the server's text, e.g. "550 5.1.1 no such user"
};

// The fate of a batch.
struct SendResult {
  // One per recipient, in the order given to Send().
  std::vector<RecipientResult> recipients;
  // A transaction-level problem (connection refused, 421, timeout, a 5xx to
  // MAIL FROM or DATA), empty when none. When set, every recipient that was
  // not refused on its own is kTempFail (kRefused for a 5xx at MAIL or DATA).
  std::string error;
};

// Hands a batch to the next hop.
class Transport {
 public:
  virtual ~Transport() = default;

  // Sends `message` (CRLF lines, header and body, not dot-stuffed) to
  // `recipients` with envelope sender `envelope_from` ("" is the null
  // reverse-path <>). Never throws.
  virtual SendResult Send(const std::string& envelope_from,
                          const std::vector<std::string>& recipients, std::string_view message) = 0;
};

// How long each step of an SMTP transaction may take; the defaults are RFC
// 5321 section 4.5.3.2's. A step that takes longer fails the batch
// temporarily (every recipient not yet answered is deferred).
struct SmtpTimeouts {
  // The TCP connect and the setup: the 220 greeting (4.5.3.2.1), EHLO,
  // STARTTLS and AUTH.
  std::chrono::seconds connect{300};
  std::chrono::seconds mail{300};        // the reply to MAIL FROM (4.5.3.2.2)
  std::chrono::seconds rcpt{300};        // each reply to RCPT TO (4.5.3.2.3)
  std::chrono::seconds data_init{120};   // the 354 to DATA (4.5.3.2.4)
  std::chrono::seconds data_block{180};  // an upload that moves no byte (4.5.3.2.5)
  // The reply to the final dot (4.5.3.2.6): the longest, since the server
  // may scan the message before it answers, and giving up here while the
  // server goes on to accept it is what sends a batch twice.
  std::chrono::seconds data_end{600};

  // Every step bounded by `each` (the old single --smtp-timeout).
  static SmtpTimeouts All(std::chrono::seconds each);
  // The longest one transaction to `recipients` can take without a step
  // running out (each step at its limit); for leases that must outlast it.
  std::chrono::seconds Transaction(size_t recipients) const;
};

// STARTTLS on smtp:// (RFC 3207): kOpportunistic uses it when the server
// offers it, kRequired fails (defers) the batch when it does not, kOff never
// asks. Required TLS (or any TLS with a CA file) verifies the certificate;
// a failed verification defers the batch and never falls back to plain
// text. Opportunistic TLS refused (454) or broken (the handshake fails)
// goes on in clear, as to a server that offers no STARTTLS.
enum class StartTls { kOpportunistic, kRequired, kOff };

// Where and how to deliver.
struct TransportOptions {
  // "smtp://HOST[:PORT]" (default port 25), "smtps://HOST[:PORT]" (TLS from
  // the first byte, default 465), either with "USER[:PASSWORD]@" before the
  // host, or "maildir:DIR".
  std::string target;
  StartTls starttls = StartTls::kOpportunistic;  // smtp:// only
  std::string username, password;                // SMTP AUTH (RFC 4954); override the URL's
  // PEM file of the CA certificates that may sign the server's certificate
  // (CURLOPT_CAINFO), e.g. a private CA or a self-signed smarthost; empty:
  // the system's CAs. Verification of the chain and of the host name is
  // always on: a server that fails it gets no mail.
  std::string ca_file;
  SmtpTimeouts timeouts;
  std::string helo_name = "listd";  // the EHLO argument (RFC 5321 section 4.1.1.1)
};

// A factory of transports, one per delivery thread.
using TransportFactory = std::function<std::unique_ptr<Transport>()>;

// Checks `options` (and creates a Maildir root) once, at start-up, and
// returns the factory; errors name the bad target.
base::Result<TransportFactory> MakeTransportFactory(const TransportOptions& options);

// "delivered", "tempfail", "permfail" or "refused", for logs.
std::string_view OutcomeName(Outcome outcome);

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_TRANSPORT_H_
