// TxtMemo (see txt_memo.h).
#include "dkim/txt_memo.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace dkim {
namespace {

// DNS names compare case-insensitively (RFC 4343); the root dot is optional.
std::string MemoKey(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

}  // namespace

TxtMemo::Post::Post(TxtMemo& memo) : memo_(memo) {
  memo_.kept_.clear();
  memo_.expected_.clear();
  memo_.in_post_ = true;
}

TxtMemo::Post::~Post() {
  memo_.in_post_ = false;
  memo_.kept_.clear();
  memo_.expected_.clear();
}

void TxtMemo::Expect(const std::vector<std::string>& names) {
  if (!in_post_) return;
  for (const std::string& name : names) {
    std::string key = MemoKey(name);
    if (key.empty() || kept_.count(key) != 0) continue;
    if (std::find(expected_.begin(), expected_.end(), key) != expected_.end()) continue;
    expected_.push_back(std::move(key));
  }
}

TxtAnswer TxtMemo::LookupTxt(const std::string& name) { return LookupTxtMany({name}).front(); }

std::vector<TxtAnswer> TxtMemo::LookupTxtMany(const std::vector<std::string>& names) {
  if (!in_post_) return beneath_.LookupTxtMany(names);
  // What goes beneath: the names not yet known (each once, as asked), then
  // the expected ones that nobody asked for yet.
  std::vector<std::string> ask;
  std::set<std::string> asking;
  for (const std::string& name : names) {
    std::string key = MemoKey(name);
    if (kept_.count(key) != 0 || !asking.insert(key).second) continue;
    ask.push_back(name);
  }
  if (!ask.empty()) {
    std::vector<std::string> ask_keys;
    for (const std::string& name : ask) ask_keys.push_back(MemoKey(name));
    for (const std::string& key : expected_) {
      if (asking.insert(key).second) {
        ask.push_back(key);
        ask_keys.push_back(key);
      }
    }
    expected_.clear();
    std::vector<TxtAnswer> answers = beneath_.LookupTxtMany(ask);
    for (size_t i = 0; i < ask_keys.size(); ++i) {
      TxtAnswer answer;
      if (i < answers.size()) {
        answer = std::move(answers[i]);
      } else {
        answer.status = TxtAnswer::Status::kTempFail;
        answer.error = "no answer from the resolver beneath";
      }
      kept_[ask_keys[i]] = std::move(answer);
    }
  }
  std::vector<TxtAnswer> out;
  out.reserve(names.size());
  for (const std::string& name : names) out.push_back(kept_[MemoKey(name)]);
  return out;
}

}  // namespace dkim
