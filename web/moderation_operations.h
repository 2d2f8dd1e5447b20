// ModerationOperations: what the REST API's moderation resources need of
// listd: held posts (list, a safe outline, approve, reject, discard) and
// subscription requests waiting for a moderator (list, approve, reject),
// over ModerationService and SubscriptionService
// (listd/webface/moderation_face.h).
//
// Contract: a held post or request is named by its id within its list; an
// id of another list is kind not_found, so a list's token cannot decide
// another list's mail. The outline of a held post holds its header fields
// and its text/plain parts as text; any other part (HTML above all) is
// named with its type and size, never its content.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_MODERATION_OPERATIONS_H_
#define LISTD_WEB_MODERATION_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"

namespace web {

class ModerationOperations {
 public:
  virtual ~ModerationOperations() = default;

  // The list's held posts, oldest first.
  virtual base::Result<nlohmann::json> HeldPosts(const std::string& list) = 0;
  // One held post: its view with "headers": [{"name", "value"}] and
  // "parts": [{"content_type", "size", "text" (text/plain only)}].
  virtual base::Result<nlohmann::json> HeldPost(const std::string& list, int64_t id) = 0;
  // Sends it on; {"post", "action", "recipients", "reason"}.
  virtual base::Result<nlohmann::json> Approve(const std::string& actor, const std::string& list,
                                               int64_t id) = 0;
  // Refuses it; the author reads `reason`.
  virtual base::Result<nlohmann::json> Reject(const std::string& actor, const std::string& list,
                                              int64_t id, const std::string& reason) = 0;
  // Drops it without a word.
  virtual base::Result<nlohmann::json> Discard(const std::string& actor, const std::string& list,
                                               int64_t id) = 0;

  // Subscription requests waiting for a moderator.
  virtual base::Result<nlohmann::json> Requests(const std::string& list) = 0;
  // Subscribes the requester; {"answer", "text"}.
  virtual base::Result<nlohmann::json> ApproveRequest(const std::string& actor,
                                                      const std::string& list, int64_t id,
                                                      int64_t now) = 0;
  // Refuses the request; the requester reads `reason`.
  virtual base::Result<nlohmann::json> RejectRequest(const std::string& actor,
                                                     const std::string& list, int64_t id,
                                                     const std::string& reason, int64_t now) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_MODERATION_OPERATIONS_H_
