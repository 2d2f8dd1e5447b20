// ModerationFace: web::ModerationOperations over ModerationService and
// SubscriptionService with the held and request views, on the web face's
// shared store: the calls `listctl held` and `listctl sub` make, with the
// caller's actor in each event. A hold or request is first checked to
// belong to the list the path names, so a list's token cannot reach
// another list's mail. Approving a held post looks up DNS (the author
// domain's DMARC policy, the ARC chain's keys) through a resolver made
// for the call.
// Thread-safety: any thread (SharedStore serialises the calls).
#ifndef LISTD_LISTD_WEBFACE_MODERATION_FACE_H_
#define LISTD_LISTD_WEBFACE_MODERATION_FACE_H_

#include <string>
#include <utility>

#include "listd/webface/dns_resolvers.h"
#include "listd/webface/shared_store.h"
#include "web/moderation_operations.h"

namespace listd::webface {

class ModerationFace : public web::ModerationOperations {
 public:
  // `templates_dir` holds the notices and footers (listd --templates).
  ModerationFace(SharedStore& store, std::string templates_dir, ResolverFactory resolvers)
      : store_(store), templates_dir_(std::move(templates_dir)), resolvers_(std::move(resolvers)) {}

  base::Result<nlohmann::json> HeldPosts(const std::string& list) override;
  base::Result<nlohmann::json> HeldPost(const std::string& list, int64_t id) override;
  base::Result<nlohmann::json> Approve(const std::string& actor, const std::string& list,
                                       int64_t id) override;
  base::Result<nlohmann::json> Reject(const std::string& actor, const std::string& list, int64_t id,
                                      const std::string& reason) override;
  base::Result<nlohmann::json> Discard(const std::string& actor, const std::string& list,
                                       int64_t id) override;
  base::Result<nlohmann::json> Requests(const std::string& list) override;
  base::Result<nlohmann::json> ApproveRequest(const std::string& actor, const std::string& list,
                                              int64_t id, int64_t now) override;
  base::Result<nlohmann::json> RejectRequest(const std::string& actor, const std::string& list,
                                             int64_t id, const std::string& reason,
                                             int64_t now) override;

 private:
  SharedStore& store_;
  std::string templates_dir_;
  ResolverFactory resolvers_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_MODERATION_FACE_H_
