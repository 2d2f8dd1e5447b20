// Test helpers around tests/support/smtp_sink.py as seen from C++: where it
// listens, what it stored, what it logged, and its control file. Without
// the sink's environment every SMTP test fails: a skipped test proves
// nothing.
#ifndef LISTD_TESTS_DELIVERY_SINK_H_
#define LISTD_TESTS_DELIVERY_SINK_H_

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace delivery_test {

// "127.0.0.1:PORT" of the sink.
std::string SinkAddress();
// "smtp://127.0.0.1:PORT".
std::string SinkUrl();
// The sink's certificate (PEM), when it speaks TLS (LISTD_TEST_SMTP_TLS_CERT).
std::string SinkTlsCert();
// One stored copy: its envelope (the .json sidecar) and exact bytes.
struct SinkMessage {
  nlohmann::json envelope;
  std::string data;
};
// Every copy stored for `recipient`, oldest first.
std::vector<SinkMessage> MessagesFor(const std::string& recipient);
// The log's transaction entries whose MAIL FROM is `mail_from`, in order.
std::vector<nlohmann::json> TransactionsFrom(const std::string& mail_from);
// Replaces the control file (atomically, as the sink asks).
void SetControl(const nlohmann::json& control);

// Clears the control file when a test ends, whatever happened.
struct ControlReset {
  ~ControlReset() { SetControl(nlohmann::json::object()); }
};

// A scripted smarthost on 127.0.0.1 for what tests/support/smtp_sink.py
// cannot do: its EHLO reply offers STARTTLS and then the STARTTLS is
// refused, by a 454 (RFC 3207 section 4: TLS not available) or by a 220
// followed by bytes that are no TLS record, so the client's handshake fails.
// Otherwise it accepts every MAIL, RCPT and message, one connection at a
// time, and counts what it stored. Stops (and joins) when destroyed.
class TlsRefusingSmarthost {
 public:
  enum class Refusal { kAnswer454, kBreakHandshake };
  explicit TlsRefusingSmarthost(Refusal refusal);
  ~TlsRefusingSmarthost();
  TlsRefusingSmarthost(const TlsRefusingSmarthost&) = delete;
  TlsRefusingSmarthost& operator=(const TlsRefusingSmarthost&) = delete;

  // "smtp://127.0.0.1:PORT".
  std::string Url() const;
  // Messages stored for `recipient` (each received over a clear connection).
  size_t CopiesFor(const std::string& recipient) const;
  // How many STARTTLS commands came, and how many connections.
  int starttls_seen() const { return starttls_seen_; }
  int connections() const { return connections_; }

 private:
  void Serve();
  void Converse(int fd);

  Refusal refusal_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> starttls_seen_{0}, connections_{0};
  mutable std::mutex mu_;
  std::map<std::string, size_t> copies_;
  std::thread thread_;
};

}  // namespace delivery_test

#endif  // LISTD_TESTS_DELIVERY_SINK_H_
