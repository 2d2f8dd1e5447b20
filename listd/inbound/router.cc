// Router (see router.h).
#include "listd/inbound/router.h"

namespace listd::inbound {

Handler& Router::For(service::AddressRole role) const {
  switch (role) {
    case service::AddressRole::kPost:
      return *handlers_.posts;
    case service::AddressRole::kOwner:
      return *handlers_.owners;
    case service::AddressRole::kBounces:
      return *handlers_.bounces;
    case service::AddressRole::kRequest:
      return *handlers_.commands;
    case service::AddressRole::kJoin:
    case service::AddressRole::kLeave:
      return *handlers_.subscriptions;
    case service::AddressRole::kConfirm:
      return *handlers_.confirmations;
  }
  return *handlers_.commands;  // not reached: the switch names every role
}

}  // namespace listd::inbound
