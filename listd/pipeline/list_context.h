// ListContext: what the pipeline needs to know about one list to process a
// post for it, loaded once per post from the store: the list's record, its
// settings in force (stored values over the catalogue's defaults), and the
// keys it signs with, already opened from their sealed form.
//
// Contract: a ListContext is a snapshot; a setting changed while a post is
// in the pipeline applies from the next post. Private keys stay in memory
// only (dkim::PrivateKey), never written anywhere.
//
// Thread-safety: a value owned by the one pipeline thread that loaded it.
#ifndef LISTD_LISTD_PIPELINE_LIST_CONTEXT_H_
#define LISTD_LISTD_PIPELINE_LIST_CONTEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/crypto.h"
#include "listd/settings/list_settings.h"
#include "storage/key_repository.h"
#include "storage/list_repository.h"
#include "storage/store.h"

namespace listd::pipeline {

// One active key the list signs with.
struct SigningKey {
  std::string selector;
  storage::KeyAlgorithm algorithm = storage::KeyAlgorithm::kRsa;
  dkim::PrivateKey key;
};

struct ListContext {
  storage::ListRecord list;
  settings::ListSettings settings;  // in force
  std::vector<SigningKey> keys;     // active and chosen by signing.algorithms

  // "demo@lists.example.org"
  std::string Address() const;
  // The list's address with a role suffix: Role("bounces") is
  // "demo-bounces@lists.example.org".
  std::string RoleAddress(std::string_view role) const;
  // The list-label of List-Id (RFC 2919 section 2): "demo.lists.example.org".
  std::string ListIdLabel() const;
};

// Loads the list with id `list_id` and opens its signing keys.
base::Result<ListContext> LoadListContext(storage::Store& store, int64_t list_id);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_LIST_CONTEXT_H_
