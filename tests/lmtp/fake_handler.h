// FakeHandler: a Handler for tests that records what it was given.
//
// CheckRecipient refuses local parts starting "nobody" (550 5.1.1) and
// "busy" (450 4.2.1); Deliver answers 250 2.1.5 for each recipient except
// those starting "full" (452 4.2.2). Thread-safe, as handler.h demands.
#ifndef LISTD_TESTS_LMTP_FAKE_HANDLER_H_
#define LISTD_TESTS_LMTP_FAKE_HANDLER_H_

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "listd/lmtp/handler.h"

namespace listd::lmtp::testing {

class FakeHandler : public Handler {
 public:
  Reply CheckRecipient(std::string_view, std::string_view recipient) override {
    std::lock_guard<std::mutex> lock(mu_);
    checked_.emplace_back(recipient);
    if (recipient.starts_with("nobody")) return {550, "5.1.1", "No such list"};
    if (recipient.starts_with("busy")) return {450, "4.2.1", "Try later"};
    return {250, "2.1.5", "OK"};
  }

  std::vector<Reply> Deliver(const Envelope& envelope, std::string message) override {
    std::vector<Reply> replies;
    for (const std::string& r : envelope.recipients) {
      if (r.starts_with("full")) {
        replies.push_back({452, "4.2.2", "Mailbox full"});
      } else {
        replies.push_back({250, "2.1.5", r + " delivered"});
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    envelopes_.push_back(envelope);
    messages_.push_back(std::move(message));
    return replies;
  }

  std::vector<Envelope> envelopes() {
    std::lock_guard<std::mutex> lock(mu_);
    return envelopes_;
  }
  std::vector<std::string> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  std::vector<std::string> checked() {
    std::lock_guard<std::mutex> lock(mu_);
    return checked_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> checked_;
  std::vector<Envelope> envelopes_;
  std::vector<std::string> messages_;
};

}  // namespace listd::lmtp::testing

#endif  // LISTD_TESTS_LMTP_FAKE_HANDLER_H_
