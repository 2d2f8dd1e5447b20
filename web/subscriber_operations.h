// SubscriberOperations: what the public subscriber pages need from listd.
// listd implements it over its subscription service (listd/webface/
// subscriber_face.h); web/ only calls it.
//
// Contract:
// - Only advertised lists exist here: an unadvertised list and an unknown
//   one are the same nullopt, so the pages cannot tell them apart.
// - RequestJoin and RequestLeave never join or leave: they send the
//   confirmation mail (double opt-in), under the same limits as the mail
//   path (per list, per site, per target address, and per `client`, the
//   web client's address). Their answer never says whether the address
//   is a member.
// - Confirmation, unsubscribe and preferences tokens come from the links
//   listd mailed; Describe* only read, the others change state. A token
//   that is not valid (tampered, another list's or member's, used,
//   expired) changes nothing and is answered kInvalidLink with one
//   neutral sentence.
// - `base_url` is what mails link to; `now` seconds since the epoch.
//
// Thread-safety: an implementation must allow calls from several HTTP
// worker threads at once.
#ifndef LISTD_WEB_SUBSCRIBER_OPERATIONS_H_
#define LISTD_WEB_SUBSCRIBER_OPERATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace web {

// An advertised list, as the public pages show it.
struct PublicList {
  std::string address;  // "demo@lists.example.org"
  std::string name;     // its display name ("" when none)
  std::string description;
};

// How a subscriber's action went, for the page's status.
enum class SubscriberOutcome {
  kDone,         // done, or the confirmation is on its way (or would be)
  kThrottled,    // a limit was reached: nothing was sent
  kRefused,      // the input is not acceptable (an address that does not parse, a ban)
  kInvalidLink,  // the link's token is not valid: nothing was changed
};

struct SubscriberAnswer {
  SubscriberOutcome outcome = SubscriberOutcome::kDone;
  std::string text;  // a sentence for the person
};

// What a confirmation link would confirm.
struct ConfirmationSummary {
  bool valid = false;
  std::string problem;  // when not valid
  std::string list;
  std::string list_name;
  std::string address;
  bool join = true;  // false: leave
};

// The member a link names.
struct MemberSummary {
  std::string list;
  std::string list_name;
  std::string address;
  bool delivery_on = true;
};

class SubscriberOperations {
 public:
  virtual ~SubscriberOperations() = default;

  // The advertised lists, by address.
  virtual base::Result<std::vector<PublicList>> AdvertisedLists() = 0;
  // The list at `list` when it is advertised; nullopt otherwise.
  virtual base::Result<std::optional<PublicList>> AdvertisedList(std::string_view list) = 0;
  // Asks to join (or leave) `list` for `address` (see Contract).
  virtual base::Result<SubscriberAnswer> RequestJoin(std::string_view list,
                                                     std::string_view address,
                                                     const std::string& client,
                                                     const std::string& base_url, int64_t now) = 0;
  virtual base::Result<SubscriberAnswer> RequestLeave(std::string_view list,
                                                      std::string_view address,
                                                      const std::string& client,
                                                      const std::string& base_url, int64_t now) = 0;
  // What the confirmation `token` would confirm; changes nothing.
  virtual base::Result<ConfirmationSummary> DescribeConfirmation(std::string_view token,
                                                                 int64_t now) = 0;
  // Confirms it.
  virtual base::Result<SubscriberAnswer> Confirm(std::string_view token,
                                                 const std::string& base_url, int64_t now) = 0;
  // The member an unsubscribe token names; nullopt when not valid.
  virtual base::Result<std::optional<MemberSummary>> UnsubscribeLinkMember(
      std::string_view token) = 0;
  // The one-click unsubscribe (RFC 8058).
  virtual base::Result<SubscriberAnswer> Unsubscribe(std::string_view token, int64_t now) = 0;
  // The member a preferences token names; nullopt when not valid.
  virtual base::Result<std::optional<MemberSummary>> PreferencesLinkMember(
      std::string_view token) = 0;
  // Turns that member's delivery on or off.
  virtual base::Result<SubscriberAnswer> SetDelivery(std::string_view token, bool on,
                                                     int64_t now) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_SUBSCRIBER_OPERATIONS_H_
