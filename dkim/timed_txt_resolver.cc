// TimedTxtResolver (see timed_txt_resolver.h).
#include "dkim/timed_txt_resolver.h"

#include <chrono>

namespace dkim {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

TxtAnswer TimedTxtResolver::LookupTxt(const std::string& name) {
  const auto started = std::chrono::steady_clock::now();
  TxtAnswer answer = beneath_.LookupTxt(name);
  if (observe_) observe_(1, SecondsSince(started));
  return answer;
}

std::vector<TxtAnswer> TimedTxtResolver::LookupTxtMany(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  const auto started = std::chrono::steady_clock::now();
  std::vector<TxtAnswer> answers = beneath_.LookupTxtMany(names);
  if (observe_) observe_(names.size(), SecondsSince(started));
  return answers;
}

}  // namespace dkim
