// MemberOperations: what the REST API's member resources need of listd:
// pages of a list's members (filtered, counted), adding, removing,
// changing one, importing and exporting. listd implements it over
// MemberService (listd/webface/member_face.h).
//
// Contract: roles are "member" | "moderator" | "owner" and delivery states
// "enabled" | "disabled-by-user" | "disabled-by-bounce" ("disabled" is the
// member's own choice); another spelling is kind invalid. An address not
// on the list is kind not_found. `actor` is recorded with every event.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_MEMBER_OPERATIONS_H_
#define LISTD_WEB_MEMBER_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace web {

// Which members a page holds: the filters, then `count` from `start`.
struct MemberPageQuery {
  std::optional<std::string> role;
  std::optional<std::string> delivery;
  std::string contains;  // a substring of the address; "" = any
  int64_t start = 0;
  int64_t count = 50;
};

// What PATCH changes; absent fields stay as they are.
struct MemberChange {
  std::optional<std::string> role;
  std::optional<bool> moderated;
  std::optional<std::string> delivery;
};

class MemberOperations {
 public:
  virtual ~MemberOperations() = default;

  // {"entries": [member view], "start", "total_size"}, in address order.
  virtual base::Result<nlohmann::json> Members(const std::string& list,
                                               const MemberPageQuery& query) = 0;
  // One member's view.
  virtual base::Result<nlohmann::json> Member(const std::string& list,
                                              const std::string& address) = 0;
  // Adds `address` ("addr" or "Name <addr>") with `role`; an address
  // already on the list is kind conflict. Returns the member's view.
  virtual base::Result<nlohmann::json> AddMember(const std::string& actor, const std::string& list,
                                                 const std::string& address,
                                                 const std::string& role, int64_t now) = 0;
  // Removes `address`; not a member is kind not_found.
  virtual base::Status RemoveMember(const std::string& actor, const std::string& list,
                                    const std::string& address, int64_t now) = 0;
  // Changes role, moderation or delivery; returns the member's view.
  virtual base::Result<nlohmann::json> ChangeMember(const std::string& actor,
                                                    const std::string& list,
                                                    const std::string& address,
                                                    const MemberChange& change, int64_t now) = 0;
  // Imports `text` (one "addr" or "Name <addr>" a line); the report the
  // CLI prints, as {"added", "duplicates", "rejected_count", "rejected":
  // [{"line", "text", "reason"}]}.
  virtual base::Result<nlohmann::json> Import(const std::string& actor, const std::string& list,
                                              const std::string& text, int64_t now) = 0;
  // Every member in import form, one a line.
  virtual base::Result<std::string> Export(const std::string& list) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_MEMBER_OPERATIONS_H_
