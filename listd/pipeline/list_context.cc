// Loading a ListContext: the list, its effective settings, its keys.
#include "listd/pipeline/list_context.h"

#include <openssl/crypto.h>

namespace listd::pipeline {

std::string ListContext::Address() const {
  return list.address.local_part + "@" + list.address.domain;
}

std::string ListContext::RoleAddress(std::string_view role) const {
  std::string address = list.address.local_part;
  address += '-';
  address += role;
  address += '@';
  address += list.address.domain;
  return address;
}

std::string ListContext::ListIdLabel() const {
  return list.address.local_part + "." + list.address.domain;
}

base::Result<ListContext> LoadListContext(storage::Store& store, int64_t list_id) {
  const std::string what = "loading list " + std::to_string(list_id);
  auto record = store.lists().FindById(list_id);
  if (!record) return record.failure().Prefixed(what);
  if (!*record) return base::NotFound(what + ": the list no longer exists");
  auto settings = settings::LoadListSettings(store, **record);
  if (!settings) return settings.failure().Prefixed(what);
  ListContext context{**record, std::move(*settings), {}};
  auto active = store.keys().Active(list_id);
  if (!active) return active.failure().Prefixed(what);
  for (const storage::KeyRecord& key : *active) {
    if (!context.settings.SignsWith(key.algorithm)) continue;
    auto pem = store.keys().PrivateKeyPem(key.id);
    if (!pem) return pem.failure().Prefixed(what + ": key " + key.selector);
    // The clear PEM (SecretBytes) is wiped as soon as OpenSSL has read it.
    auto opened = dkim::PrivateKey::Load(pem->view());
    if (!opened) return opened.failure().Prefixed(what + ": key " + key.selector);
    context.keys.push_back(SigningKey{key.selector, key.algorithm, std::move(*opened)});
  }
  return context;
}

}  // namespace listd::pipeline
