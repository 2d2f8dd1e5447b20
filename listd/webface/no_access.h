// NoAccess: AccessOperations for a store that has no accounts layer yet:
// every token, password and session is unknown, so only public pages
// answer. Replaced by StoreAccessOperations (access_operations_impl.h).
#ifndef LISTD_LISTD_WEBFACE_NO_ACCESS_H_
#define LISTD_LISTD_WEBFACE_NO_ACCESS_H_

#include "web/access_operations.h"

namespace listd::webface {

class NoAccess : public web::AccessOperations {
 public:
  base::Result<std::optional<web::Principal>> ForApiToken(std::string_view, int64_t) override {
    return std::optional<web::Principal>();
  }
  base::Result<std::optional<web::Principal>> ForPassword(std::string_view, std::string_view,
                                                          int64_t) override {
    return std::optional<web::Principal>();
  }
  base::Result<std::string> OpenSession(std::string_view, int64_t) override {
    return base::Forbidden("no accounts");
  }
  base::Result<std::optional<web::Principal>> ForSession(std::string_view, int64_t) override {
    return std::optional<web::Principal>();
  }
  base::Status CloseSession(std::string_view) override { return base::Ok(); }
  base::Status MailPasswordLink(std::string_view, std::string_view, int64_t) override {
    return base::Ok();
  }
  base::Result<std::optional<std::string>> PasswordLinkAddress(std::string_view, int64_t) override {
    return std::optional<std::string>();
  }
  base::Status SetPasswordWithToken(std::string_view, std::string_view, int64_t) override {
    return base::NotFound("This link is unknown, used or expired.");
  }
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_NO_ACCESS_H_
