// UnboundResolvers (see dns_resolvers.h).
#include "listd/webface/dns_resolvers.h"

namespace listd::webface {

ResolverFactory UnboundResolvers(dkim::UnboundOptions options) {
  return [options]() -> base::Result<std::unique_ptr<dkim::TxtResolver>> {
    auto made = dkim::UnboundTxtResolver::Create(options);
    if (!made) return base::Unavailable("DNS: " + made.error());
    return std::unique_ptr<dkim::TxtResolver>(std::move(*made));
  };
}

}  // namespace listd::webface
