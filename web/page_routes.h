// PageRoutes: the table of the HTML pages and the one place that checks,
// for each, who is logged in, whether a form came from this site, and
// that a GET changes nothing.
//
// - Sessions: the cookie "listd_session" (HttpOnly, SameSite=Strict,
//   Secure under TLS) names a session AccessOperations knows. A page that
//   needs a login redirects to /login when there is none.
// - Forms: every POST carries a token the dispatcher checks before the
//   handler runs, so no handler can forget it. Behind a login, the field
//   "csrf" must be the session's CSRF token (form_tokens.h). A public form
//   declares its check when it is added: a timed token (field
//   "form_token", bound to the "listd_pre" cookie the form's GET set,
//   back no sooner than the route's min_age and within the hour), or none
//   at all for the one route whose URL is its own proof (RFC 8058
//   one-click). A public POST route that declares nothing is refused at
//   Add(), so one cannot be added by mistake.
// - GET handlers receive no way to write: they get the same request, but
//   the contract (DESIGN: decisions) is that they only read, and the
//   subscriber and admin tests check that following every link changes
//   nothing.
//
// Routes are added before the server starts; Dispatch is then safe from
// any thread.
#ifndef LISTD_WEB_PAGE_ROUTES_H_
#define LISTD_WEB_PAGE_ROUTES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "web/access_operations.h"
#include "web/form_tokens.h"
#include "web/page_renderer.h"
#include "web/principal.h"
#include "web/route_pattern.h"

namespace web {

// The cookie naming a logged-in session, and the one binding a browser's
// public forms to it before any login.
inline constexpr char kSessionCookie[] = "listd_session";
inline constexpr char kBindingCookie[] = "listd_pre";

// Who may open a page.
enum class PageAccess {
  kPublic,         // anyone
  kLoggedIn,       // any logged-in user
  kSite,           // a site admin
  kListModerator,  // May(path "list", moderator)
  kListOwner,      // May(path "list", owner)
};

// How a POST proves it came from one of this site's forms.
struct FormCheck {
  enum class Kind { kDefault, kTimed, kNone };
  Kind kind = Kind::kDefault;  // kDefault: the session's CSRF token
  std::string purpose;         // kTimed: the form's purpose
  int64_t min_age = 0;         // kTimed: seconds before it may come back
  int64_t max_age = 3600;      // kTimed: seconds after which it is stale

  static FormCheck Timed(std::string purpose, int64_t min_age) {
    return FormCheck{Kind::kTimed, std::move(purpose), min_age, 3600};
  }
  static FormCheck None() { return FormCheck{Kind::kNone, "", 0, 0}; }
};

// A file sent with a multipart form.
struct UploadedFile {
  std::string filename;
  std::string content;
};

struct PageRequest {
  std::string method;                              // "GET" or "POST"
  std::optional<Principal> principal;              // nullopt when not logged in
  std::string session_id;                          // "" when not logged in
  std::map<std::string, std::string> path;         // the pattern's named segments
  std::multimap<std::string, std::string> fields;  // query (GET) or form (POST)
  std::map<std::string, UploadedFile> files;       // multipart uploads by field
  std::string body;                                // the raw body (one-click's)
  std::string client;                              // the peer's address
  std::string binding;                             // the "listd_pre" cookie value
  std::string base_url;
  int64_t now = 0;
  const FormTokens* tokens = nullptr;

  // The first value of field `name`, or "".
  std::string Field(const std::string& name) const;
  // A timed token for a form of `purpose`, for the page to embed.
  std::string TimedToken(const std::string& purpose) const;
};

// A cookie to set with the reply.
struct SetCookie {
  std::string name;
  std::string value;     // "" with max_age 0 deletes it
  int64_t max_age = -1;  // -1: a session cookie
};

struct PageReply {
  int status = 200;
  std::string page;       // the template to render
  nlohmann::json values;  // its values
  std::string redirect;   // when set: 303 See Other to it
  std::string text;       // when content_type is set: sent as is
  std::string content_type;
  std::string download_name;  // with text: Content-Disposition attachment
  std::vector<SetCookie> cookies;

  static PageReply Render(std::string page, nlohmann::json values, int status = 200);
  static PageReply Redirect(std::string to);
  static PageReply Download(std::string text, std::string content_type, std::string filename);
};

using PageHandler = std::function<base::Result<PageReply>(const PageRequest&)>;

// One route as the table holds it.
struct PageRoute {
  std::string method;
  std::string pattern;
  PageAccess access = PageAccess::kPublic;
};

// What Dispatch hands back to be written.
struct PageAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::string location;                  // for redirects
  std::vector<std::string> set_cookies;  // full Set-Cookie values
  std::string content_disposition;
};

// What Dispatch needs to know of the request beyond its path.
struct PageInput {
  std::string method;
  std::string path;  // decoded
  std::multimap<std::string, std::string> fields;
  std::map<std::string, UploadedFile> files;
  std::string body;
  std::string cookie_header;
  std::string client;
  int64_t now = 0;
};

class PageRoutes {
 public:
  PageRoutes(AccessOperations& access, const FormTokens& tokens)
      : access_(access), tokens_(tokens) {}

  // Adds a page. A public POST must name its FormCheck (see above);
  // throws std::logic_error at startup otherwise.
  void Add(std::string method, std::string pattern, PageAccess access, PageHandler handler,
           FormCheck check = {});
  std::vector<PageRoute> Routes() const;

  // Set before Dispatch is first called.
  void SetRenderer(const PageRenderer* renderer) { renderer_ = renderer; }
  void SetBaseUrl(std::string base_url) { base_url_ = std::move(base_url); }
  void SetSecureCookies(bool secure) { secure_cookies_ = secure; }

  PageAnswer Dispatch(const PageInput& input) const;

 private:
  struct Entry {
    PageRoute route;
    RoutePattern pattern;
    PageHandler handler;
    FormCheck check;
  };
  PageAnswer ErrorPage(const base::Error& error, const nlohmann::json& common) const;
  PageAnswer Write(PageReply reply, const nlohmann::json& common) const;
  std::string CookieLine(const SetCookie& cookie) const;

  AccessOperations& access_;
  const FormTokens& tokens_;
  const PageRenderer* renderer_ = nullptr;
  std::string base_url_;
  bool secure_cookies_ = false;
  std::vector<Entry> entries_;
};

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace web

#endif  // LISTD_WEB_PAGE_ROUTES_H_
