// PageRoutes (see page_routes.h).
#include "web/page_routes.h"

#include <stdexcept>

#include "web/http_status.h"
#include "web/route_pattern.h"

namespace web {
namespace {

bool Allowed(PageAccess access, const std::optional<Principal>& principal,
             const std::map<std::string, std::string>& path) {
  if (access == PageAccess::kPublic) return true;
  if (!principal) return false;
  switch (access) {
    case PageAccess::kPublic:
    case PageAccess::kLoggedIn:
      return true;
    case PageAccess::kSite:
      return principal->site_admin;
    case PageAccess::kListModerator:
    case PageAccess::kListOwner: {
      auto list = path.find("list");
      if (list == path.end()) return principal->site_admin;
      return principal->May(
          list->second, access == PageAccess::kListOwner ? ListRole::kOwner : ListRole::kModerator);
    }
  }
  return false;
}

// "/login?next=/lists/x" with the path percent-encoded.
std::string LoginRedirect(const std::string& path) {
  std::string next;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.') {
      next += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      next += '%';
      next += kHex[c >> 4];
      next += kHex[c & 15];
    }
  }
  return "/login?next=" + next;
}

}  // namespace

std::string PageRequest::Field(const std::string& name) const {
  auto found = fields.find(name);
  return found == fields.end() ? std::string() : found->second;
}

std::string PageRequest::TimedToken(const std::string& purpose) const {
  return tokens->Timed(purpose, binding, now);
}

PageReply PageReply::Render(std::string page, nlohmann::json values, int status) {
  PageReply reply;
  reply.status = status;
  reply.page = std::move(page);
  reply.values = std::move(values);
  return reply;
}

PageReply PageReply::Redirect(std::string to) {
  PageReply reply;
  reply.status = 303;
  reply.redirect = std::move(to);
  return reply;
}

PageReply PageReply::Download(std::string text, std::string content_type, std::string filename) {
  PageReply reply;
  reply.text = std::move(text);
  reply.content_type = std::move(content_type);
  reply.download_name = std::move(filename);
  return reply;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    at = end + 1;
  }
  return "";
}

void PageRoutes::Add(std::string method, std::string pattern, PageAccess access,
                     PageHandler handler, FormCheck check) {
  if (method == "POST" && access == PageAccess::kPublic &&
      check.kind == FormCheck::Kind::kDefault) {
    throw std::logic_error("the public form POST " + pattern + " must say how it is checked");
  }
  RoutePattern compiled(pattern);
  entries_.push_back(Entry{PageRoute{std::move(method), std::move(pattern), access},
                           std::move(compiled), std::move(handler), std::move(check)});
}

std::vector<PageRoute> PageRoutes::Routes() const {
  std::vector<PageRoute> routes;
  for (const Entry& entry : entries_) routes.push_back(entry.route);
  return routes;
}

std::string PageRoutes::CookieLine(const SetCookie& cookie) const {
  std::string line = cookie.name + "=" + cookie.value + "; Path=/; HttpOnly; SameSite=Strict";
  if (secure_cookies_) line += "; Secure";
  if (cookie.max_age >= 0) line += "; Max-Age=" + std::to_string(cookie.max_age);
  return line;
}

PageAnswer PageRoutes::ErrorPage(const base::Error& error, const nlohmann::json& common) const {
  nlohmann::json values = common;
  values["title"] = "Error";
  values["error"] = {{"kind", std::string(base::ToString(error.kind))}, {"message", error.message}};
  PageReply reply = PageReply::Render("error", std::move(values), HttpStatusOf(error.kind));
  return Write(std::move(reply), common);
}

PageAnswer PageRoutes::Write(PageReply reply, const nlohmann::json& common) const {
  PageAnswer answer;
  answer.status = reply.status;
  for (const SetCookie& cookie : reply.cookies) answer.set_cookies.push_back(CookieLine(cookie));
  if (!reply.redirect.empty()) {
    answer.status = 303;
    answer.location = reply.redirect;
    answer.body = "";
    return answer;
  }
  if (!reply.content_type.empty()) {
    answer.body = std::move(reply.text);
    answer.content_type = reply.content_type;
    if (!reply.download_name.empty()) {
      answer.content_disposition = "attachment; filename=\"" + reply.download_name + "\"";
    }
    return answer;
  }
  nlohmann::json values = common;
  if (reply.values.is_object()) {
    for (auto& [key, value] : reply.values.items()) values[key] = value;
  }
  auto html = renderer_->Render(reply.page, values);
  if (!html) {
    answer.status = 500;
    answer.content_type = "text/plain; charset=utf-8";
    answer.body = "The page could not be rendered.\n";
    return answer;
  }
  answer.body = std::move(*html);
  return answer;
}

PageAnswer PageRoutes::Dispatch(const PageInput& input) const {
  PageRequest request;
  request.method = input.method;
  request.fields = input.fields;
  request.files = input.files;
  request.body = input.body;
  request.client = input.client;
  request.now = input.now;
  request.tokens = &tokens_;
  request.base_url = base_url_;

  // The binding cookie: made on the first page a client sees, so that a
  // timed token can be tied to this browser.
  std::vector<SetCookie> extra_cookies;
  request.binding = CookieValue(input.cookie_header, kBindingCookie);
  if (request.binding.empty()) {
    request.binding = FormTokens::RandomToken(18);
    extra_cookies.push_back(SetCookie{kBindingCookie, request.binding, -1});
  }
  std::string session = CookieValue(input.cookie_header, kSessionCookie);
  if (!session.empty()) {
    auto found = access_.ForSession(session, input.now);
    if (found && *found) {
      request.principal = std::move(**found);
      request.session_id = session;
    }
  }

  nlohmann::json common = nlohmann::json::object();
  common["base_url"] = base_url_;
  if (request.principal) {
    common["me"] = {{"user", request.principal->user},
                    {"site_admin", request.principal->site_admin}};
    common["csrf"] = tokens_.CsrfFor(request.session_id);
  }
  auto finish = [&](PageAnswer answer) {
    for (const SetCookie& cookie : extra_cookies) answer.set_cookies.push_back(CookieLine(cookie));
    return answer;
  };

  RouteFound<Entry> found = FindRoute(entries_, input.method, input.path);
  const Entry* matched = found.entry;
  if (matched == nullptr) {
    PageAnswer answer = ErrorPage(base::NotFound("There is no such page."), common);
    if (found.path_known) answer.status = 405;
    return finish(std::move(answer));
  }
  request.path = std::move(found.path);

  if (!Allowed(matched->route.access, request.principal, request.path)) {
    if (!request.principal && input.method == "GET") {
      PageAnswer answer;
      answer.status = 303;
      answer.location = LoginRedirect(input.path);
      return finish(std::move(answer));
    }
    return finish(ErrorPage(base::Forbidden("You may not open this page."), common));
  }

  if (input.method == "POST") {
    const FormCheck& check = matched->check;
    if (check.kind == FormCheck::Kind::kDefault) {
      if (!tokens_.IsCsrfOf(request.Field("csrf"), request.session_id)) {
        return finish(ErrorPage(
            base::Forbidden("This form did not come from this site (its CSRF token is missing "
                            "or wrong). Please load the page again."),
            common));
      }
    } else if (check.kind == FormCheck::Kind::kTimed) {
      base::Status fresh =
          tokens_.CheckTimed(request.Field("form_token"), check.purpose, request.binding, input.now,
                             check.min_age, check.max_age);
      if (!fresh) return finish(ErrorPage(fresh.failure(), common));
    }
  }

  base::Result<PageReply> reply = [&]() -> base::Result<PageReply> {
    try {
      return matched->handler(request);
    } catch (const std::exception& thrown) {
      return base::Internal(std::string("the page failed: ") + thrown.what());
    }
  }();
  if (!reply) return finish(ErrorPage(reply.failure(), common));
  return finish(Write(std::move(*reply), common));
}

}  // namespace web
