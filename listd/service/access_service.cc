// AccessService over the Store's account repositories (see
// access_service.h). Argon2id runs before a transaction begins, never
// inside one, so a login's hashing does not hold the store's write lock.
#include "listd/service/access_service.h"

#include "base/email_address.h"
#include "listd/outbound/mail_writer.h"
#include "listd/pipeline/list_context.h"
#include "listd/service/list_lookup.h"
#include "listd/service/transaction.h"

namespace listd::service {
namespace {

constexpr int64_t kHour = 3600;

// Code points in UTF-8 text (bytes that do not continue a sequence).
size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

WebUserInfo InfoOf(const storage::WebUserRecord& user) {
  return WebUserInfo{user.id, user.address, user.site_admin, user.password_hash.has_value(),
                     user.created_at};
}

std::string Scope(const ApiTokenInfo& info) {
  if (!info.list_address) return "the site";
  return *info.list_address + " as " + std::string(storage::ToString(info.record.role));
}

}  // namespace

AccessService::AccessService(storage::Store& store, std::string templates_dir, std::string actor,
                             AccessPolicy policy)
    : store_(store),
      mailer_(store, std::move(templates_dir)),
      actor_(std::move(actor)),
      policy_(policy) {}

base::Status AccessService::Event(int64_t now, const std::string& action,
                                  const std::string& detail) {
  return store_.events().Record(now, actor_, std::nullopt, action, detail);
}

base::Status AccessService::CheckPasswordRules(std::string_view password) const {
  if (CodePoints(password) < policy_.min_password) {
    return base::Invalid("a password has at least " + std::to_string(policy_.min_password) +
                         " characters");
  }
  if (password.size() > policy_.max_password) {
    return base::Invalid("a password has at most " + std::to_string(policy_.max_password) +
                         " bytes");
  }
  return base::Ok();
}

base::Result<WebUserInfo> AccessService::AddUser(std::string_view address, bool site_admin,
                                                 int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return base::Invalid("not an address: " + parsed.error());
  const std::string text = parsed->ToString();
  return InTransaction<WebUserInfo>(
      store_, "adding the web user " + text, [&]() -> base::Result<WebUserInfo> {
        auto id = store_.web_users().Add(*parsed, site_admin, now);
        if (!id) return id.failure();
        base::Status noted = Event(
            now, "user.add", "added the web user " + text + (site_admin ? " (site admin)" : ""));
        if (!noted) return noted.failure();
        return WebUserInfo{*id, text, site_admin, false, now};
      });
}

base::Status AccessService::MayHavePassword(const base::EmailAddress& address) {
  auto user = store_.web_users().Find(address);
  if (!user) return user.failure();
  if (*user) return base::Ok();
  auto roles = store_.members().PrivilegedRoles(address);
  if (!roles) return roles.failure();
  if (roles->empty()) {
    return base::NotFound(address.ToString() + " is neither a web user nor a list's officer");
  }
  return base::Ok();
}

base::Status AccessService::StorePasswordHash(const base::EmailAddress& address,
                                              const std::string& encoded, int64_t now) {
  auto user = store_.web_users().Find(address);
  if (!user) return user.failure();
  int64_t id = 0;
  if (*user) {
    id = (*user)->id;
  } else {
    auto added = store_.web_users().Add(address, false, now);
    if (!added) return added.failure();
    id = *added;
  }
  base::Status set = store_.web_users().SetPasswordHash(id, encoded);
  if (!set) return set;
  auto closed = store_.web_sessions().CloseAllFor(id, now);
  if (!closed) return closed.failure();
  return store_.password_links().UseAllFor(address.ToString(), now);
}

base::Status AccessService::SetPassword(std::string_view address, std::string_view password,
                                        int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return base::Invalid("not an address: " + parsed.error());
  base::Status rules = CheckPasswordRules(password);
  if (!rules) return rules;
  base::Status may = MayHavePassword(*parsed);
  if (!may) return may;
  auto encoded = HashPassword(password, policy_.cost);
  if (!encoded) return encoded.failure();
  const std::string text = parsed->ToString();
  auto done =
      InTransaction<bool>(store_, "setting the password of " + text, [&]() -> base::Result<bool> {
        base::Status stored = StorePasswordHash(*parsed, *encoded, now);
        if (!stored) return stored.failure();
        base::Status noted = Event(now, "user.passwd", "set the password of " + text);
        if (!noted) return noted.failure();
        return true;
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Status AccessService::RemoveUser(std::string_view address, int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return base::Invalid("not an address: " + parsed.error());
  const std::string text = parsed->ToString();
  auto done =
      InTransaction<bool>(store_, "removing the web user " + text, [&]() -> base::Result<bool> {
        auto removed = store_.web_users().Remove(*parsed);
        if (!removed) return removed.failure();
        if (!*removed) return base::NotFound(text + " is not a web user");
        base::Status noted = Event(now, "user.remove", "removed the web user " + text);
        if (!noted) return noted.failure();
        return true;
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<std::vector<WebUserInfo>> AccessService::Users() {
  auto users = store_.web_users().All();
  if (!users) return users.failure();
  std::vector<WebUserInfo> shown;
  for (const storage::WebUserRecord& user : *users) shown.push_back(InfoOf(user));
  return shown;
}

base::Result<Identity> AccessService::IdentityOf(std::string_view address) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return base::Invalid("not an address: " + parsed.error());
  Identity identity;
  identity.address = parsed->ToString();
  auto user = store_.web_users().Find(*parsed);
  if (!user) return user.failure();
  if (*user) {
    identity.address = (*user)->address;
    identity.site_admin = (*user)->site_admin;
  }
  auto roles = store_.members().PrivilegedRoles(*parsed);
  if (!roles) return roles.failure();
  identity.roles = std::move(*roles);
  return identity;
}

base::Result<std::optional<Identity>> AccessService::CheckPassword(std::string_view address,
                                                                   std::string_view password,
                                                                   int64_t /*now*/) {
  auto parsed = base::EmailAddress::Parse(address);
  std::optional<storage::WebUserRecord> user;
  if (parsed && password.size() <= policy_.max_password) {
    auto found = store_.web_users().Find(*parsed);
    if (!found) return found.failure();
    user = std::move(*found);
  }
  if (!user || !user->password_hash) {
    VerifyAgainstDecoy(password, policy_.cost);
    return std::optional<Identity>();
  }
  if (!VerifyPassword(*user->password_hash, password)) return std::optional<Identity>();
  auto identity = IdentityOf(user->address);
  if (!identity) return identity.failure();
  return std::optional<Identity>(std::move(*identity));
}

base::Result<std::string> AccessService::OpenSession(std::string_view address, int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed) return base::Invalid("not an address: " + parsed.error());
  const std::string text = parsed->ToString();
  return InTransaction<std::string>(
      store_, "opening a session for " + text, [&]() -> base::Result<std::string> {
        auto user = store_.web_users().Find(*parsed);
        if (!user) return user.failure();
        if (!*user) return base::NotFound(text + " is not a web user");
        std::string session_id = storage::NewToken();
        auto id = store_.web_sessions().Add(session_id, (*user)->id, now);
        if (!id) return id.failure();
        base::Status noted =
            Event(now, "session.open", "opened session " + std::to_string(*id) + " for " + text);
        if (!noted) return noted.failure();
        return session_id;
      });
}

base::Result<std::optional<Identity>> AccessService::ForSession(std::string_view session_id,
                                                                int64_t now) {
  if (session_id.empty()) return std::optional<Identity>();
  auto session = store_.web_sessions().Find(session_id);
  if (!session) return session.failure();
  if (!*session || (*session)->closed_at) return std::optional<Identity>();
  if (now - (*session)->last_used_at >= policy_.session_idle ||
      now - (*session)->created_at >= policy_.session_life) {
    return std::optional<Identity>();
  }
  auto user = store_.web_users().FindById((*session)->user_id);
  if (!user) return user.failure();
  if (!*user) return std::optional<Identity>();
  base::Status touched = store_.web_sessions().Touch((*session)->id, now);
  if (!touched) return touched.failure();
  auto identity = IdentityOf((*user)->address);
  if (!identity) return identity.failure();
  return std::optional<Identity>(std::move(*identity));
}

base::Status AccessService::CloseSession(std::string_view session_id, int64_t now) {
  if (session_id.empty()) return base::Ok();
  auto done = InTransaction<bool>(store_, "closing a session", [&]() -> base::Result<bool> {
    auto session = store_.web_sessions().Find(session_id);
    if (!session) return session.failure();
    if (!*session || (*session)->closed_at) return false;
    auto closed = store_.web_sessions().Close(session_id, now);
    if (!closed) return closed.failure();
    base::Status noted =
        Event(now, "session.close", "closed session " + std::to_string((*session)->id));
    if (!noted) return noted.failure();
    return true;
  });
  if (!done) return done.failure();
  return base::Ok();
}

base::Status AccessService::MailPasswordLink(std::string_view address, std::string_view base_url,
                                             int64_t now) {
  auto parsed = base::EmailAddress::Parse(address);
  if (!parsed || !parsed->display_name.empty()) return base::Ok();
  const std::string text = parsed->ToString();
  auto done = InTransaction<bool>(
      store_, "mailing a password link to " + text, [&]() -> base::Result<bool> {
        auto user = store_.web_users().Find(*parsed);
        if (!user) return user.failure();
        auto roles = store_.members().PrivilegedRoles(*parsed);
        if (!roles) return roles.failure();
        if (!*user && roles->empty()) return false;
        auto recent = store_.password_links().CountSince(text, now - kHour + 1);
        if (!recent) return recent.failure();
        if (*recent >= policy_.links_per_hour) return false;
        std::optional<int64_t> via;
        if (!roles->empty()) {
          via = roles->front().list_id;
        } else {
          auto lists = store_.lists().All();
          if (!lists) return lists.failure();
          if (!lists->empty()) via = lists->front().id;
        }
        if (!via) {
          base::Status noted = Event(now, "password.unmailable",
                                     "a password link for " + text +
                                         " was asked for, but there is no list to mail it from");
          if (!noted) return noted.failure();
          return false;
        }
        auto list = pipeline::LoadListContext(store_, *via);
        if (!list) return list.failure();
        base::Status retired = store_.password_links().UseAllFor(text, now);
        if (!retired) return retired.failure();
        const std::string token = storage::NewToken();
        base::Status stored =
            store_.password_links().Add(token, text, now, now + policy_.link_life);
        if (!stored) return stored.failure();
        std::string base(base_url);
        while (!base.empty() && base.back() == '/') base.pop_back();
        ListMail mail;
        mail.kind = "password-link";
        mail.template_name = "password_link.mustache";
        mail.values.text["address"] = text;
        mail.values.text["link"] = base + "/password/" + token;
        mail.values.text["expires"] = outbound::MailDate(now + policy_.link_life);
        mail.values.text["list_domain"] = list->list.address.domain;
        mail.headers.to = text;
        mail.headers.subject = "Set your password for " + list->list.address.domain;
        mail.headers.auto_submitted = "auto-generated";
        auto mailed = mailer_.Send(*list, 0, std::move(mail), now);
        if (!mailed) return mailed.failure();
        base::Status noted = Event(
            now, "password.link",
            "mailed a password link to " + text + " through " + list->list.address.ToString());
        if (!noted) return noted.failure();
        return true;
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<std::optional<std::string>> AccessService::PasswordLinkAddress(std::string_view token,
                                                                            int64_t now) {
  if (token.empty()) return std::optional<std::string>();
  auto link = store_.password_links().FindLive(token, now);
  if (!link) return link.failure();
  if (!*link) return std::optional<std::string>();
  return std::optional<std::string>((*link)->address);
}

base::Status AccessService::SetPasswordWithToken(std::string_view token, std::string_view password,
                                                 int64_t now) {
  const base::Error dead = base::NotFound("This link is unknown, used or expired.");
  auto link = PasswordLinkAddress(token, now);
  if (!link) return link.failure();
  if (!*link) return dead;
  base::Status rules = CheckPasswordRules(password);
  if (!rules) return rules;
  auto encoded = HashPassword(password, policy_.cost);
  if (!encoded) return encoded.failure();
  auto done =
      InTransaction<bool>(store_, "setting a password by link", [&]() -> base::Result<bool> {
        auto spent = store_.password_links().Redeem(token, now);
        if (!spent) return spent.failure();
        if (!*spent) return dead;  // spent or expired meanwhile
        auto parsed = base::EmailAddress::Parse((*spent)->address);
        if (!parsed) return dead;
        base::Status may = MayHavePassword(*parsed);
        if (!may) return dead;  // no longer a user or an officer
        base::Status stored = StorePasswordHash(*parsed, *encoded, now);
        if (!stored) return stored.failure();
        base::Status noted = Event(
            now, "user.passwd", "set the password of " + parsed->ToString() + " by a mailed link");
        if (!noted) return noted.failure();
        return true;
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<NewApiToken> AccessService::CreateApiToken(std::string_view name,
                                                        std::optional<std::string_view> list,
                                                        storage::MemberRole role, int64_t now) {
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return base::Invalid("a token's name is one line of text");
  }
  if (name.size() > 200) return base::Invalid("a token's name has at most 200 bytes");
  NewApiToken made;
  made.info.record.name = std::string(name);
  made.info.record.created_at = now;
  if (list) {
    if (role == storage::MemberRole::kMember) {
      return base::Invalid("a list token's role is owner or moderator");
    }
    auto found = FindList(store_, *list);
    if (!found) return found.failure();
    made.info.record.list_id = found->id;
    made.info.record.role = role;
    made.info.list_address = found->address.ToString();
  }
  made.token = storage::NewToken();
  return InTransaction<NewApiToken>(
      store_, "creating an API token", [&]() -> base::Result<NewApiToken> {
        auto id = store_.api_tokens().Add(made.token, made.info.record);
        if (!id) return id.failure();
        made.info.record.id = *id;
        base::Status noted = store_.events().Record(
            now, actor_, made.info.record.list_id, "token.create",
            "created API token " + std::to_string(*id) + " for " + Scope(made.info) +
                (name.empty() ? "" : " ('" + std::string(name) + "')"));
        if (!noted) return noted.failure();
        return made;
      });
}

base::Result<std::vector<ApiTokenInfo>> AccessService::ApiTokens() {
  auto tokens = store_.api_tokens().All();
  if (!tokens) return tokens.failure();
  std::vector<ApiTokenInfo> shown;
  for (storage::ApiTokenRecord& token : *tokens) {
    ApiTokenInfo info{std::move(token), std::nullopt};
    if (info.record.list_id) {
      auto list = store_.lists().FindById(*info.record.list_id);
      if (!list) return list.failure();
      if (*list) info.list_address = (*list)->address.ToString();
    }
    shown.push_back(std::move(info));
  }
  return shown;
}

base::Status AccessService::RevokeApiToken(int64_t id, int64_t now) {
  auto done = InTransaction<bool>(
      store_, "revoking API token " + std::to_string(id), [&]() -> base::Result<bool> {
        auto revoked = store_.api_tokens().Revoke(id, now);
        if (!revoked) return revoked.failure();
        if (!*revoked) return false;
        base::Status noted = Event(now, "token.revoke", "revoked API token " + std::to_string(id));
        if (!noted) return noted.failure();
        return true;
      });
  if (!done) return done.failure();
  return base::Ok();
}

base::Result<std::optional<ApiTokenInfo>> AccessService::ForApiToken(std::string_view token,
                                                                     int64_t now) {
  if (token.empty()) return std::optional<ApiTokenInfo>();
  auto found = store_.api_tokens().Find(token);
  if (!found) return found.failure();
  if (!*found || (*found)->revoked_at) return std::optional<ApiTokenInfo>();
  ApiTokenInfo info{std::move(**found), std::nullopt};
  if (info.record.list_id) {
    auto list = store_.lists().FindById(*info.record.list_id);
    if (!list) return list.failure();
    if (!*list) return std::optional<ApiTokenInfo>();
    info.list_address = (*list)->address.ToString();
  }
  base::Status touched = store_.api_tokens().Touch(info.record.id, now);
  if (!touched) return touched.failure();
  return std::optional<ApiTokenInfo>(std::move(info));
}

}  // namespace listd::service
