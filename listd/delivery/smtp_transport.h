// SmtpTransport: delivers a batch to a smarthost over SMTP with libcurl,
// keeping one curl easy handle (and so one SMTP connection) for its whole
// life, so that consecutive batches reuse the connection.
//
// A refused recipient does not fail the batch (CURLOPT_MAIL_RCPT_ALLOWFAILS);
// which recipients were refused, with which reply, is learnt by following
// the dialogue through curl's debug callback (smtp_dialogue.h). Each step
// has a timeout of its own (SmtpTimeouts, enforced by smtp_step_timer.h);
// curl is driven through a multi handle so that they are checked while it
// waits. TLS (smtps, or STARTTLS) always verifies the server's certificate
// and name. After any
// failed transfer the next Send() opens a fresh connection, so a connection
// left mid-transaction is never reused.
//
// Thread-safety: one thread at a time per SmtpTransport; distinct
// SmtpTransports may be used from distinct threads at once.
#ifndef LISTD_LISTD_DELIVERY_SMTP_TRANSPORT_H_
#define LISTD_LISTD_DELIVERY_SMTP_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <string>

#include "listd/delivery/transport.h"

namespace listd::delivery {

// What an SmtpTransport needs, checked by MakeTransportFactory().
struct SmtpConfig {
  std::string url;  // "smtp[s]://host:port/helo-name", without credentials
  StartTls starttls = StartTls::kOpportunistic;
  std::string username, password;  // empty username: no AUTH
  std::string ca_file;             // CURLOPT_CAINFO; empty: the system's CAs
  SmtpTimeouts timeouts;
};

class SmtpTransport : public Transport {
 public:
  // Builds the curl handle; connects lazily, at the first Send().
  explicit SmtpTransport(SmtpConfig config);
  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // Fails when libcurl could not be configured (e.g. too old for an option).
  base::Status Check() const;

  // See Transport::Send.
  SendResult Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                  std::string_view message) override;

 private:
  struct Curl;
  SendResult SendOrThrow(const std::string& envelope_from,
                         const std::vector<std::string>& recipients, std::string_view message);

  SmtpConfig config_;
  std::unique_ptr<Curl> curl_;
  bool fresh_connection_next_ = false;  // the last transfer failed
};

// Initialises libcurl once per process (curl_global_init), thread-safely.
void InitCurlOnce();

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_SMTP_TRANSPORT_H_
