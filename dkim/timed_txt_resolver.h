// TimedTxtResolver: a TxtResolver that times every round it passes to the
// resolver beneath and tells an observer, so the daemon can show DNS
// latency (/metrics) without dkim/ knowing of metrics.
//
// Contract: answers are exactly those of `beneath`; the observer is called
// once per LookupTxt or LookupTxtMany that went beneath, with the number of
// names asked and the wall time the round took. Not thread-safe beyond what
// `beneath` and the observer are: one per worker thread, like the memo.
#ifndef LISTD_DKIM_TIMED_TXT_RESOLVER_H_
#define LISTD_DKIM_TIMED_TXT_RESOLVER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "dkim/txt_resolver.h"

namespace dkim {

class TimedTxtResolver : public TxtResolver {
 public:
  // Called with (names asked, seconds the round took).
  using Observer = std::function<void(size_t names, double seconds)>;

  // `beneath` must outlive this resolver.
  TimedTxtResolver(TxtResolver& beneath, Observer observe)
      : beneath_(beneath), observe_(std::move(observe)) {}

  TxtAnswer LookupTxt(const std::string& name) override;
  std::vector<TxtAnswer> LookupTxtMany(const std::vector<std::string>& names) override;

 private:
  TxtResolver& beneath_;
  Observer observe_;
};

}  // namespace dkim

#endif  // LISTD_DKIM_TIMED_TXT_RESOLVER_H_
