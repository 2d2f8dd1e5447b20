// ResolverFactory: where the web face's DNS lookups (key check, key
// activation, the doctor, approving a held post) get a resolver. A
// resolver is not thread-safe and the web face answers on several threads,
// so each call that looks something up makes its own, the way each
// `listctl key check` does (UnboundResolvers: the daemon's --dns forwarder
// and --dns-timeout); tests hand in a static table instead.
#ifndef LISTD_LISTD_WEBFACE_DNS_RESOLVERS_H_
#define LISTD_LISTD_WEBFACE_DNS_RESOLVERS_H_

#include <functional>
#include <memory>

#include "base/result.h"
#include "dkim/txt_resolver.h"
#include "dkim/unbound_txt_resolver.h"

namespace listd::webface {

using ResolverFactory = std::function<base::Result<std::unique_ptr<dkim::TxtResolver>>()>;

// Resolvers through libunbound with `options`; a failure to set one up is
// kind unavailable.
ResolverFactory UnboundResolvers(dkim::UnboundOptions options);

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_DNS_RESOLVERS_H_
