// The admin pages' shared pieces (see admin_page_common.h).
#include "web/admin_page_common.h"

#include <cctype>
#include <map>

namespace web::admin {
namespace {

// The pages of a list, in the order the navigation shows them, and
// whether only an owner sees them.
struct ListPage {
  const char* page;
  const char* label;
  bool owner_only;
};
constexpr ListPage kListPages[] = {
    {"settings", "Settings", true}, {"signing", "Signing", true},    {"members", "Members", false},
    {"held", "Held posts", false},  {"requests", "Requests", false}, {"bans", "Bans", false},
    {"events", "Events", false},
};

}  // namespace

std::string ListPagePath(const std::string& list, const std::string& page) {
  std::string path = "/admin/lists/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : list) {
    if (std::isalnum(c) || c == '@' || c == '.' || c == '-' || c == '_' || c == '+') {
      path += static_cast<char>(c);
    } else {
      path += '%';
      path += kHex[c >> 4];
      path += kHex[c & 15];
    }
  }
  if (!page.empty()) path += "/" + page;
  return path;
}

std::string QueryValue(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

const std::string& ListOf(const PageRequest& request) { return request.path.at("list"); }

std::string ActorOf(const PageRequest& request) {
  return request.principal ? request.principal->actor : "web:unknown";
}

Json ListPageValues(const PageRequest& request, const std::string& title) {
  const std::string& list = ListOf(request);
  const bool owner = request.principal && request.principal->May(list, ListRole::kOwner);
  Json nav = Json::array();
  for (const ListPage& page : kListPages) {
    if (page.owner_only && !owner) continue;
    nav.push_back({{"href", ListPagePath(list, page.page)}, {"label", page.label}});
  }
  return {{"title", title + " · " + list},
          {"list",
           {{"address", list}, {"owner", owner}, {"nav", nav}, {"base", ListPagePath(list, "")}}}};
}

base::Result<int64_t> IdOf(const PageRequest& request, const std::string& name) {
  auto found = request.path.find(name);
  const std::string text = found == request.path.end() ? "" : found->second;
  if (text.empty() || text.size() > 18) return base::Invalid("not an id: " + text);
  for (char c : text) {
    if (c < '0' || c > '9') return base::Invalid("not an id: " + text);
  }
  int64_t id = std::stoll(text);
  if (id <= 0) return base::Invalid("not an id: " + text);
  return id;
}

int64_t NumberField(const PageRequest& request, const std::string& name, int64_t fallback,
                    int64_t low, int64_t high) {
  const std::string text = request.Field(name);
  if (text.empty() || text.size() > 12) return fallback;
  for (char c : text) {
    if (c < '0' || c > '9') return fallback;
  }
  int64_t value = std::stoll(text);
  return value < low ? low : value > high ? high : value;
}

void AddError(Json& values, const base::Error& error) {
  values["failure"] = {{"kind", std::string(base::ToString(error.kind))},
                       {"message", error.message}};
}

std::string NoticeText(const std::string& code) {
  static const std::map<std::string, std::string> kNotices = {
      {"saved", "The settings are saved."},
      {"generated", "The key is made. Publish its record, then check DNS."},
      {"activated", "The key signs now."},
      {"rotated", "The next key is made beside the active one. Publish its record."},
      {"retired", "The key no longer signs. Keep its record published for a while."},
      {"removed", "The key is deleted."},
      {"added", "The member is added."},
      {"member-removed", "The member is removed."},
      {"changed", "The member is changed."},
      {"approved", "The post is sent on."},
      {"rejected", "The post is refused and its author told."},
      {"discarded", "The post is dropped."},
      {"request-approved", "The request is approved."},
      {"request-rejected", "The request is refused."},
      {"banned", "The ban is in force."},
      {"unbanned", "The ban is lifted."},
  };
  auto found = kNotices.find(code);
  return found == kNotices.end() ? "" : found->second;
}

void AddNotice(Json& values, const PageRequest& request) {
  std::string text = NoticeText(request.Field("done"));
  if (!text.empty()) values["notice"] = text;
}

}  // namespace web::admin
