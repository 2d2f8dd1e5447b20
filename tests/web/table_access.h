// TableAccess: AccessOperations over tables in memory, for testing the
// routers alone (listd's own implementation over the store is tested in
// tests/webface).
#ifndef LISTD_TESTS_WEB_TABLE_ACCESS_H_
#define LISTD_TESTS_WEB_TABLE_ACCESS_H_

#include <map>
#include <string>

#include "web/access_operations.h"

namespace web_test {

class TableAccess : public web::AccessOperations {
 public:
  std::map<std::string, web::Principal> tokens;  // token -> principal
  std::map<std::string, std::string> passwords;  // address -> password
  std::map<std::string, web::Principal> users;   // address -> principal
  std::map<std::string, std::string> sessions;   // session id -> address
  int password_checks = 0;
  int next_session = 1;

  base::Result<std::optional<web::Principal>> ForApiToken(std::string_view token,
                                                          int64_t now) override;
  base::Result<std::optional<web::Principal>> ForPassword(std::string_view address,
                                                          std::string_view password,
                                                          int64_t now) override;
  base::Result<std::string> OpenSession(std::string_view address, int64_t now) override;
  base::Result<std::optional<web::Principal>> ForSession(std::string_view session_id,
                                                         int64_t now) override;
  base::Status CloseSession(std::string_view session_id) override;
  base::Status MailPasswordLink(std::string_view, std::string_view, int64_t) override {
    return base::Ok();
  }
  base::Result<std::optional<std::string>> PasswordLinkAddress(std::string_view, int64_t) override {
    return std::optional<std::string>();
  }
  base::Status SetPasswordWithToken(std::string_view, std::string_view, int64_t) override {
    return base::NotFound("no such link");
  }
};

}  // namespace web_test

#endif  // LISTD_TESTS_WEB_TABLE_ACCESS_H_
