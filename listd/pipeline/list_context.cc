// Loading a ListContext: the list, its effective settings, its keys.
#include "listd/pipeline/list_context.h"

#include <openssl/crypto.h>

#include "listd/settings/catalogue.h"

namespace listd::pipeline {

const std::string& ListContext::Setting(std::string_view name) const {
  static const std::string kEmpty;
  auto it = settings.find(std::string(name));
  return it == settings.end() ? kEmpty : it->second;
}

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

namespace {

// Whether signing.algorithms ("rsa", "ed25519", "both") lets `algorithm` sign.
bool Signs(const std::string& algorithms, const std::string& algorithm) {
  return algorithms == "both" || algorithms == algorithm;
}

}  // namespace

base::Result<ListContext> LoadListContext(storage::Store& store, int64_t list_id) {
  const std::string what = "loading list " + std::to_string(list_id);
  auto record = store.lists().FindById(list_id);
  if (!record) return base::Error{what + ": " + record.error()};
  if (!*record) return base::Error{what + ": the list no longer exists"};
  ListContext context;
  context.list = **record;
  auto stored = store.lists().Settings(list_id);
  if (!stored) return base::Error{what + ": " + stored.error()};
  for (const EffectiveSetting& setting : EffectiveSettings(context.list.address, *stored)) {
    context.settings.emplace(std::string(setting.spec->name), setting.value);
  }
  auto active = store.keys().Active(list_id);
  if (!active) return base::Error{what + ": " + active.error()};
  const std::string& algorithms = context.Setting("signing.algorithms");
  for (const storage::KeyRecord& key : *active) {
    if (!Signs(algorithms, key.algorithm)) continue;
    auto pem = store.keys().PrivateKeyPem(key.id);
    if (!pem) return base::Error{what + ": key " + key.selector + ": " + pem.error()};
    auto opened = dkim::PrivateKey::Load(*pem);
    // The clear PEM was only a way into OpenSSL; wipe it now rather than
    // leave it in freed heap memory.
    OPENSSL_cleanse(pem->data(), pem->size());
    if (!opened) return base::Error{what + ": key " + key.selector + ": " + opened.error()};
    context.keys.push_back(SigningKey{key.selector, key.algorithm, std::move(*opened)});
  }
  return context;
}

}  // namespace listd::pipeline
