// LoginPages (see login_pages.h).
#include "web/login_pages.h"

#include "base/ascii.h"

namespace web {
namespace {

constexpr char kLoginPurpose[] = "login";
constexpr char kLinkPurpose[] = "password-link";
constexpr char kSetPurpose[] = "password-set";

nlohmann::json LoginValues(const PageRequest& request, const std::string& address,
                           const std::string& failed) {
  std::string next = request.Field("next");
  return {{"title", "Log in"},
          {"form_token", request.TimedToken(kLoginPurpose)},
          {"next", IsLocalPath(next) ? next : ""},
          {"address", address},
          {"failed", failed}};
}

}  // namespace

bool IsLocalPath(const std::string& next) {
  return next.size() >= 1 && next[0] == '/' &&
         (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
}

void LoginPages::Install(PageRoutes& pages) {
  pages.Add("GET", "/login", PageAccess::kPublic, [](const PageRequest& request) {
    return base::Result<PageReply>(PageReply::Render("login", LoginValues(request, "", "")));
  });

  pages.Add(
      "POST", "/login", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        const std::string address = request.Field("address");
        const std::string account = base::LowerAscii(address);
        if (!wrong_per_account_.Allows(account, request.now) ||
            !wrong_per_client_.Allows(request.client, request.now)) {
          return PageReply::Render(
              "login",
              LoginValues(request, address,
                          "Too many wrong passwords. Wait a minute before trying again."),
              429);
        }
        auto principal = access_.ForPassword(address, request.Field("password"), request.now);
        if (!principal) return principal.failure();
        if (!*principal) {
          wrong_per_account_.Count(account, request.now);
          wrong_per_client_.Count(request.client, request.now);
          return PageReply::Render(
              "login", LoginValues(request, address, "That address and password do not match."),
              403);
        }
        auto session = access_.OpenSession((*principal)->user, request.now);
        if (!session) return session.failure();
        std::string next = request.Field("next");
        PageReply reply = PageReply::Redirect(IsLocalPath(next) ? next : "/admin");
        reply.cookies.push_back(SetCookie{kSessionCookie, *session, -1});
        // The pre-login binding goes: a form token served before the
        // login is not one after it.
        reply.cookies.push_back(SetCookie{kBindingCookie, FormTokens::RandomToken(18), -1});
        return reply;
      },
      FormCheck::Timed(kLoginPurpose, 0));

  pages.Add("POST", "/logout", PageAccess::kLoggedIn,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              base::Status closed = access_.CloseSession(request.session_id);
              if (!closed) return closed.failure();
              PageReply reply = PageReply::Redirect("/login");
              reply.cookies.push_back(SetCookie{kSessionCookie, "", 0});
              return reply;
            });

  pages.Add("GET", "/password", PageAccess::kPublic, [](const PageRequest& request) {
    return base::Result<PageReply>(PageReply::Render(
        "password_request",
        {{"title", "Set your password"}, {"form_token", request.TimedToken(kLinkPurpose)}}));
  });

  pages.Add(
      "POST", "/password", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        // The same page whatever the address: it tells nobody who has an
        // account.
        if (links_per_client_.Take(request.client, request.now)) {
          base::Status mailed =
              access_.MailPasswordLink(request.Field("address"), request.base_url, request.now);
          if (!mailed && base::IsSystemFailure(mailed.failure())) return mailed.failure();
        }
        return PageReply::Render("password_sent", {{"title", "Check your mail"}});
      },
      FormCheck::Timed(kLinkPurpose, 1));

  pages.Add("GET", "/password/{token}", PageAccess::kPublic,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto address = access_.PasswordLinkAddress(request.path.at("token"), request.now);
              if (!address) return address.failure();
              if (!*address) {
                return base::NotFound(
                    "This link is unknown, used or expired. Ask for a new one at /password.");
              }
              return PageReply::Render("password_set",
                                       {{"title", "Choose a password"},
                                        {"address", **address},
                                        {"token", request.path.at("token")},
                                        {"form_token", request.TimedToken(kSetPurpose)}});
            });

  pages.Add(
      "POST", "/password/{token}", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        const std::string& token = request.path.at("token");
        if (request.Field("password") != request.Field("again")) {
          auto address = access_.PasswordLinkAddress(token, request.now);
          if (!address) return address.failure();
          return PageReply::Render("password_set",
                                   {{"title", "Choose a password"},
                                    {"address", *address ? **address : ""},
                                    {"token", token},
                                    {"form_token", request.TimedToken(kSetPurpose)},
                                    {"failed", "The two passwords differ."}},
                                   400);
        }
        base::Status set =
            access_.SetPasswordWithToken(token, request.Field("password"), request.now);
        if (!set) return set.failure();
        return PageReply::Redirect("/login");
      },
      FormCheck::Timed(kSetPurpose, 0));
}

}  // namespace web
