// Router: which Handler takes mail for which of a list's addresses
// (service/list_address.h names them):
//
//   list@                       posts        the pipeline's admit, then out
//   list-owner@                 owners       forwarded to owners, moderators
//   list-bounces[+VERP]@        bounces      recorded for the member named
//   list-request@               commands     command_handler.h
//   list-join@, list-leave@     subscriptions join_leave_handler.h
//   list-confirm+TOKEN@         confirmations confirm_handler.h
//
// Pure: it holds the handlers it is given and chooses among them.
#ifndef LISTD_LISTD_INBOUND_ROUTER_H_
#define LISTD_LISTD_INBOUND_ROUTER_H_

#include "listd/inbound/handler.h"
#include "listd/service/list_address.h"

namespace listd::inbound {

struct Handlers {
  Handler* posts = nullptr;
  Handler* owners = nullptr;
  Handler* bounces = nullptr;
  Handler* commands = nullptr;
  Handler* subscriptions = nullptr;
  Handler* confirmations = nullptr;
};

class Router {
 public:
  // Every handler must be set and outlive the router.
  explicit Router(Handlers handlers) : handlers_(handlers) {}

  // The handler for mail to an address of `role`.
  Handler& For(service::AddressRole role) const;

 private:
  Handlers handlers_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_ROUTER_H_
