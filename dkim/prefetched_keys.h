// PrefetchedKeys: every key one message will need, asked for at once.
//
// The DKIM verifier asks for its keys together, but the ARC validator then
// asked for each seal's and message signature's key one after the other,
// each up to the DNS timeout: one slow domain could cost a post many
// timeouts. PrefetchedKeys reads the (selector, domain) of every
// DKIM-Signature, ARC-Seal and ARC-Message-Signature of a message, asks the
// resolver beneath for all of them in one LookupMany (resolved concurrently
// where the DNS layer can), and then answers every Lookup of those keys
// from what it got, temporary failures included, so no name is asked twice
// for the same message. Names it was not given go to the resolver beneath.
//
// Lifetime: one message. `keys` must outlive it. Not thread-safe.
#ifndef LISTD_DKIM_PREFETCHED_KEYS_H_
#define LISTD_DKIM_PREFETCHED_KEYS_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dkim/key_resolver.h"
#include "dkim/message.h"

namespace dkim {

// The (selector, domain) of each signature and seal of `message` whose
// s= and d= can be read (duplicates once), in header order.
std::vector<std::pair<std::string, std::string>> KeysNamedIn(const Message& message);

class PrefetchedKeys : public KeyResolver {
 public:
  // Looks up every key KeysNamedIn(message) names, at once, through `keys`.
  PrefetchedKeys(KeyResolver& keys, const Message& message);

  KeyLookup Lookup(std::string_view selector, std::string_view domain) override;
  std::vector<KeyLookup> LookupMany(
      const std::vector<std::pair<std::string, std::string>>& selector_domain) override;

  // How many keys were fetched up front (for tests and logs).
  size_t prefetched() const { return found_.size(); }

 private:
  KeyResolver& keys_;
  std::map<std::string, KeyLookup> found_;  // by KeyRecordName
};

}  // namespace dkim

#endif  // LISTD_DKIM_PREFETCHED_KEYS_H_
