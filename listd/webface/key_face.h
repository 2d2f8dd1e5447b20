// KeyFace: web::KeyOperations over KeyService and the key views, on the
// web face's shared store: the calls `listctl key generate | dns | check |
// activate | rotate | retire | rm` make, with the caller's actor in each
// event. DNS goes through a resolver made per call (dns_resolvers.h), as
// `listctl key check` makes one. Activation is never forced and removal
// never takes an active key: those stay the shell's.
// Thread-safety: any thread (SharedStore serialises the calls; a lookup
// holds the store for its length, at most the DNS timeout).
#ifndef LISTD_LISTD_WEBFACE_KEY_FACE_H_
#define LISTD_LISTD_WEBFACE_KEY_FACE_H_

#include <utility>

#include "listd/webface/dns_resolvers.h"
#include "listd/webface/shared_store.h"
#include "web/key_operations.h"

namespace listd::webface {

class KeyFace : public web::KeyOperations {
 public:
  KeyFace(SharedStore& store, ResolverFactory resolvers)
      : store_(store), resolvers_(std::move(resolvers)) {}

  base::Result<nlohmann::json> Keys(const std::string& list) override;
  base::Result<nlohmann::json> Generate(const std::string& actor, const std::string& list,
                                        const std::string& algorithm, std::optional<int> bits,
                                        const std::optional<std::string>& selector,
                                        int64_t now) override;
  base::Result<nlohmann::json> DnsRecords(const std::string& list,
                                          const std::string& selector) override;
  base::Result<nlohmann::json> Check(const std::string& list, const std::string& selector) override;
  base::Result<nlohmann::json> Activate(const std::string& actor, const std::string& list,
                                        const std::string& selector, const std::string& algorithm,
                                        int64_t now) override;
  base::Result<nlohmann::json> Rotate(const std::string& actor, const std::string& list,
                                      const std::string& algorithm, std::optional<int> bits,
                                      int64_t now) override;
  base::Result<nlohmann::json> Retire(const std::string& actor, const std::string& list,
                                      const std::string& selector, const std::string& algorithm,
                                      int64_t now) override;
  base::Result<nlohmann::json> Remove(const std::string& actor, const std::string& list,
                                      const std::string& selector, const std::string& algorithm,
                                      int64_t now) override;

 private:
  SharedStore& store_;
  ResolverFactory resolvers_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_KEY_FACE_H_
