// Subscription requests: someone's wish to join or leave a list, kept
// while it waits for them to confirm it or for a moderator to decide. One
// request per (list, address, action), the address compared as members'
// are (domain and local part without regard to ASCII case); the local
// part is kept as first given. A request carries no secret: its tokens
// (token_repository.h) point at it by id.
#ifndef LISTD_STORAGE_REQUEST_REPOSITORY_H_
#define LISTD_STORAGE_REQUEST_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "storage/database.h"

namespace storage {

enum class RequestAction { kJoin, kLeave };
enum class RequestState { kConfirming, kModerating };

std::string_view ToString(RequestAction action);  // "join", "leave"
std::string_view ToString(RequestState state);    // "confirming", "moderating"

struct RequestRecord {
  int64_t id = 0;
  int64_t list_id = 0;
  base::EmailAddress address;  // display_name: the name given with it
  RequestAction action = RequestAction::kJoin;
  RequestState state = RequestState::kConfirming;
  std::string via;  // how it came: "mail", "listctl", "web"
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

class RequestRepository {
 public:
  explicit RequestRepository(Database& db) : db_(db) {}
  // Adds a request (its id is ignored); returns its id.
  Result<int64_t> Add(const RequestRecord& request);
  Result<std::optional<RequestRecord>> Find(int64_t request_id);
  // The request of (list, address, action), if any, expired or not.
  Result<std::optional<RequestRecord>> FindFor(int64_t list_id, const base::EmailAddress& address,
                                               RequestAction action);
  // The list's requests in `state`, oldest first.
  Result<std::vector<RequestRecord>> ForList(int64_t list_id, RequestState state);
  // Moves a request on (to moderating), with its new expiry.
  Status SetState(int64_t request_id, RequestState state, int64_t expires_at);
  // Gives a repeated request a new life.
  Status Renew(int64_t request_id, int64_t expires_at);
  Status Remove(int64_t request_id);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_REQUEST_REPOSITORY_H_
