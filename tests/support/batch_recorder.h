// BatchRecorder: a TxtResolver for tests that passes each batch of names
// to the table beneath and records it. One batch is one DNS wait for a
// post (UnboundTxtResolver resolves a batch concurrently), so the batches
// recorded are the waits a post would cost.
#ifndef LISTD_TESTS_SUPPORT_BATCH_RECORDER_H_
#define LISTD_TESTS_SUPPORT_BATCH_RECORDER_H_

#include <string>
#include <vector>

#include "dkim/txt_resolver.h"

namespace test_support {

class BatchRecorder : public dkim::TxtResolver {
 public:
  explicit BatchRecorder(dkim::TxtResolver& table) : table_(table) {}
  dkim::TxtAnswer LookupTxt(const std::string& name) override {
    return LookupTxtMany({name}).front();
  }
  std::vector<dkim::TxtAnswer> LookupTxtMany(const std::vector<std::string>& names) override {
    batches.push_back(names);
    std::vector<dkim::TxtAnswer> out;
    for (const std::string& name : names) out.push_back(table_.LookupTxt(name));
    return out;
  }
  // How many times `name` was asked, over all batches.
  int Asked(const std::string& name) const {
    int n = 0;
    for (const auto& batch : batches)
      for (const std::string& asked : batch) n += asked == name ? 1 : 0;
    return n;
  }
  std::vector<std::vector<std::string>> batches;

 private:
  dkim::TxtResolver& table_;
};

}  // namespace test_support

#endif  // LISTD_TESTS_SUPPORT_BATCH_RECORDER_H_
