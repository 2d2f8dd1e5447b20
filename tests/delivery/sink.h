// Test helpers around tests/support/smtp_sink.py as seen from C++: where it
// listens, what it stored, what it logged, and its control file. Without
// the sink's environment every SMTP test fails: a skipped test proves
// nothing.
#ifndef LISTD_TESTS_DELIVERY_SINK_H_
#define LISTD_TESTS_DELIVERY_SINK_H_

#include <nlohmann/json.hpp>
#include <string>
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

}  // namespace delivery_test

#endif  // LISTD_TESTS_DELIVERY_SINK_H_
