// TableAccess (see table_access.h).
#include "tests/web/table_access.h"

namespace web_test {

base::Result<std::optional<web::Principal>> TableAccess::ForApiToken(std::string_view token,
                                                                     int64_t) {
  auto found = tokens.find(std::string(token));
  if (found == tokens.end()) return std::optional<web::Principal>();
  return std::optional<web::Principal>(found->second);
}

base::Result<std::optional<web::Principal>> TableAccess::ForPassword(std::string_view address,
                                                                     std::string_view password,
                                                                     int64_t) {
  ++password_checks;
  auto found = passwords.find(std::string(address));
  if (found == passwords.end() || found->second != password) {
    return std::optional<web::Principal>();
  }
  return std::optional<web::Principal>(users.at(std::string(address)));
}

base::Result<std::string> TableAccess::OpenSession(std::string_view address, int64_t) {
  std::string id = "session-" + std::to_string(next_session++);
  sessions[id] = std::string(address);
  return id;
}

base::Result<std::optional<web::Principal>> TableAccess::ForSession(std::string_view session_id,
                                                                    int64_t) {
  auto found = sessions.find(std::string(session_id));
  if (found == sessions.end()) return std::optional<web::Principal>();
  return std::optional<web::Principal>(users.at(found->second));
}

base::Status TableAccess::CloseSession(std::string_view session_id) {
  sessions.erase(std::string(session_id));
  return base::Ok();
}

}  // namespace web_test
