// SubscriberFace: listd's web::SubscriberOperations, over the subscription
// service (listd/service/subscription_service.h), so a request from the
// web meets the same policies, bans and limits as one by mail: the
// confirmation caps per list and site, per target address, and per web
// client (the mail log counts them all, whichever face asked).
//
// Each call takes the shared store connection for its length and runs one
// service call (one transaction with its events and mail). The service is
// told the request's base URL, so the mails it writes link back to this
// face's confirm, unsubscribe and preferences pages.
//
// Thread-safety: calls may come from any HTTP thread (SharedStore
// serialises them).
#ifndef LISTD_LISTD_WEBFACE_SUBSCRIBER_FACE_H_
#define LISTD_LISTD_WEBFACE_SUBSCRIBER_FACE_H_

#include <string>

#include "listd/service/subscription_service.h"
#include "listd/webface/shared_store.h"
#include "web/subscriber_operations.h"

namespace listd::webface {

class SubscriberFace : public web::SubscriberOperations {
 public:
  // `templates_dir`: listd's --templates, for the mails; `limits`: the
  // site's caps (the daemon's --site-confirmations-per-hour).
  SubscriberFace(SharedStore& store, std::string templates_dir,
                 service::SubscriptionLimits limits = {})
      : store_(store), templates_dir_(std::move(templates_dir)), limits_(limits) {}

  base::Result<std::vector<web::PublicList>> AdvertisedLists() override;
  base::Result<std::optional<web::PublicList>> AdvertisedList(std::string_view list) override;
  base::Result<web::SubscriberAnswer> RequestJoin(std::string_view list, std::string_view address,
                                                  const std::string& client,
                                                  const std::string& base_url,
                                                  int64_t now) override;
  base::Result<web::SubscriberAnswer> RequestLeave(std::string_view list, std::string_view address,
                                                   const std::string& client,
                                                   const std::string& base_url,
                                                   int64_t now) override;
  base::Result<web::ConfirmationSummary> DescribeConfirmation(std::string_view token,
                                                              int64_t now) override;
  base::Result<web::SubscriberAnswer> Confirm(std::string_view token, const std::string& base_url,
                                              int64_t now) override;
  base::Result<std::optional<web::MemberSummary>> UnsubscribeLinkMember(
      std::string_view token) override;
  base::Result<web::SubscriberAnswer> Unsubscribe(std::string_view token, int64_t now) override;
  base::Result<std::optional<web::MemberSummary>> PreferencesLinkMember(
      std::string_view token) override;
  base::Result<web::SubscriberAnswer> SetDelivery(std::string_view token, bool on,
                                                  int64_t now) override;

 private:
  base::Result<web::SubscriberAnswer> Request(std::string_view list, std::string_view address,
                                              const std::string& client,
                                              const std::string& base_url, bool join, int64_t now);

  SharedStore& store_;
  std::string templates_dir_;
  service::SubscriptionLimits limits_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_SUBSCRIBER_FACE_H_
