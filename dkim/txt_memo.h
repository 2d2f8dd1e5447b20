// TxtMemo: one post's TXT answers, and one round of DNS for all of them.
//
// A post needs the keys its DKIM signatures and ARC sets name (asked for
// together, prefetched_keys.h) and then its author domain's DMARC policy
// (dmarc_discovery.h). Asked one after the other they are two DNS waits,
// each up to the timeout, when a post's DNS is slow. TxtMemo sits between
// the resolvers above (a DnsKeyResolver, the DMARC evaluator) and the DNS
// beneath: names announced with Expect() ride along with the next batch
// that goes beneath, and every answer is kept until the post ends,
// temporary failures included, so no name is asked twice for one post.
//
// Contract: memoizes only inside a Post scope; outside one it passes every
// lookup straight beneath (so a long-lived resolver stacked on it keeps
// its own caching rules). Answers are exactly those of the resolver
// beneath. An expected name that no one asks for in the end costs one
// query in a batch that went out anyway, never a wait of its own.
// Not thread-safe: one per worker thread.
#ifndef LISTD_DKIM_TXT_MEMO_H_
#define LISTD_DKIM_TXT_MEMO_H_

#include <map>
#include <string>
#include <vector>

#include "dkim/txt_resolver.h"

namespace dkim {

class TxtMemo : public TxtResolver {
 public:
  // `beneath` must outlive the memo.
  explicit TxtMemo(TxtResolver& beneath) : beneath_(beneath) {}

  // One post's lifetime: answers are kept from construction to
  // destruction, then forgotten (with any expectation left over).
  class Post {
   public:
    explicit Post(TxtMemo& memo);
    ~Post();
    Post(const Post&) = delete;
    Post& operator=(const Post&) = delete;

   private:
    TxtMemo& memo_;
  };

  // Names the current post will probably ask for: they go out with the
  // next lookup beneath. Ignored outside a Post scope.
  void Expect(const std::vector<std::string>& names);

  TxtAnswer LookupTxt(const std::string& name) override;
  // Answers remembered names at once; asks beneath for the rest together
  // with every expected name not yet asked, in one LookupTxtMany.
  std::vector<TxtAnswer> LookupTxtMany(const std::vector<std::string>& names) override;

 private:
  TxtResolver& beneath_;
  bool in_post_ = false;
  std::vector<std::string> expected_;      // by MemoKey, not yet asked
  std::map<std::string, TxtAnswer> kept_;  // by MemoKey
};

}  // namespace dkim

#endif  // LISTD_DKIM_TXT_MEMO_H_
