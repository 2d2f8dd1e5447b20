// SubscriberPages over an in-memory SubscriberOperations: the public pages'
// routes, which form check each POST gets, that a GET never calls an
// operation that changes state, the one-click POST of RFC 8058 section 3.1
// without a cookie, one 404 for unknown and unadvertised lists, statuses
// by outcome, and escaping over the real templates/web (issue 13,
// "Subscriber pages").
#include "web/subscriber_pages.h"

#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "tests/web/table_access.h"

namespace {

using web::SubscriberAnswer;
using web::SubscriberOutcome;

// Lists and tokens in memory; every call that would change state is
// written down in `writes`.
struct FakeSubscribers : web::SubscriberOperations {
  std::map<std::string, web::PublicList> advertised;
  std::map<std::string, web::MemberSummary> unsubscribe_tokens;
  std::map<std::string, web::MemberSummary> preference_tokens;
  std::map<std::string, web::ConfirmationSummary> confirmations;
  std::vector<std::string> writes;
  SubscriberOutcome request_outcome = SubscriberOutcome::kDone;

  base::Result<std::vector<web::PublicList>> AdvertisedLists() override {
    std::vector<web::PublicList> lists;
    for (const auto& [address, list] : advertised) lists.push_back(list);
    return lists;
  }
  base::Result<std::optional<web::PublicList>> AdvertisedList(std::string_view list) override {
    auto found = advertised.find(std::string(list));
    if (found == advertised.end()) return std::optional<web::PublicList>();
    return std::optional<web::PublicList>(found->second);
  }
  base::Result<SubscriberAnswer> RequestJoin(std::string_view list, std::string_view address,
                                             const std::string& client, const std::string&,
                                             int64_t) override {
    writes.push_back("join " + std::string(list) + " " + std::string(address) + " from " + client);
    return SubscriberAnswer{request_outcome,
                            "A confirmation was sent to " + std::string(address) + "."};
  }
  base::Result<SubscriberAnswer> RequestLeave(std::string_view list, std::string_view address,
                                              const std::string& client, const std::string&,
                                              int64_t) override {
    writes.push_back("leave " + std::string(list) + " " + std::string(address) + " from " + client);
    return SubscriberAnswer{request_outcome, "If subscribed, a confirmation was sent."};
  }
  base::Result<web::ConfirmationSummary> DescribeConfirmation(std::string_view token,
                                                              int64_t) override {
    auto found = confirmations.find(std::string(token));
    if (found == confirmations.end()) {
      return web::ConfirmationSummary{false, "no such confirmation", "", "", "", true};
    }
    return found->second;
  }
  base::Result<SubscriberAnswer> Confirm(std::string_view token, const std::string&,
                                         int64_t) override {
    writes.push_back("confirm " + std::string(token));
    return SubscriberAnswer{SubscriberOutcome::kDone, "Subscribed."};
  }
  base::Result<std::optional<web::MemberSummary>> UnsubscribeLinkMember(
      std::string_view token) override {
    auto found = unsubscribe_tokens.find(std::string(token));
    if (found == unsubscribe_tokens.end()) return std::optional<web::MemberSummary>();
    return std::optional<web::MemberSummary>(found->second);
  }
  base::Result<SubscriberAnswer> Unsubscribe(std::string_view token, int64_t) override {
    writes.push_back("unsubscribe " + std::string(token));
    if (!unsubscribe_tokens.count(std::string(token))) {
      return SubscriberAnswer{SubscriberOutcome::kInvalidLink, "not valid"};
    }
    return SubscriberAnswer{SubscriberOutcome::kDone, "Left."};
  }
  base::Result<std::optional<web::MemberSummary>> PreferencesLinkMember(
      std::string_view token) override {
    auto found = preference_tokens.find(std::string(token));
    if (found == preference_tokens.end()) return std::optional<web::MemberSummary>();
    return std::optional<web::MemberSummary>(found->second);
  }
  base::Result<SubscriberAnswer> SetDelivery(std::string_view token, bool on, int64_t) override {
    writes.push_back("delivery " + std::string(token) + (on ? " on" : " off"));
    return SubscriberAnswer{SubscriberOutcome::kDone, on ? "On." : "Off."};
  }
};

constexpr char kXss[] = "<script>alert(1)</script>";

struct Fixture {
  web_test::TableAccess access;
  web::FormTokens tokens{std::string(32, 'k')};
  web::PageRoutes pages{access, tokens};
  std::unique_ptr<web::PageRenderer> renderer;
  FakeSubscribers subscribers;
  web::SubscriberPages subscriber_pages{subscribers};
  const std::string cookies = std::string(web::kBindingCookie) + "=b1";

  Fixture() {
    auto loaded = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
    REQUIRE(loaded);
    renderer = std::move(*loaded);
    pages.SetRenderer(renderer.get());
    pages.SetBaseUrl("http://127.0.0.1:8080");
    subscriber_pages.Install(pages);
    subscribers.advertised["demo@example.org"] =
        web::PublicList{"demo@example.org", kXss, std::string("about ") + kXss};
    subscribers.unsubscribe_tokens["1.2.mac"] =
        web::MemberSummary{"demo@example.org", kXss, "ann@example.org", true};
    subscribers.preference_tokens["1.2.pmac"] =
        web::MemberSummary{"demo@example.org", "Demo", "ann@example.org", true};
    subscribers.confirmations["conf-token-1234567890"] =
        web::ConfirmationSummary{true, "", "demo@example.org", "Demo", "ann@example.org", true};
  }

  web::PageAnswer Request(const std::string& method, const std::string& path,
                          std::multimap<std::string, std::string> fields,
                          const std::string& cookie_header, int64_t now) {
    web::PageInput input;
    input.method = method;
    input.path = path;
    input.fields = std::move(fields);
    input.cookie_header = cookie_header;
    input.client = "192.0.2.7";
    input.now = now;
    return pages.Dispatch(input);
  }
  web::PageAnswer Get(const std::string& path, int64_t now = 1000) {
    return Request("GET", path, {}, cookies, now);
  }
  web::PageAnswer Post(const std::string& path, std::multimap<std::string, std::string> fields,
                       int64_t now = 1010, const std::string& cookie_header = "") {
    return Request("POST", path, std::move(fields), cookie_header.empty() ? cookies : cookie_header,
                   now);
  }
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an unadvertised or unknown list is the same 404 on every public list page",
          "[web][subscriber]") {
  Fixture f;
  auto unknown = f.Get("/lists/nobody@example.org");
  auto hidden = f.Get("/lists/hidden@example.org");
  CHECK(unknown.status == 404);
  CHECK(hidden.status == 404);
  CHECK(unknown.body == hidden.body);
  CHECK(f.Post("/lists/nobody@example.org/subscribe",
               {{"address", "a@example.org"},
                {"form_token", f.tokens.Timed("subscribe", "b1", 1000)}})
            .status == 404);
  CHECK(f.subscribers.writes.empty());
  auto listed = f.Get("/lists");
  CHECK(listed.status == 200);
  CHECK(Contains(listed.body, "/lists/demo@example.org"));
  CHECK_FALSE(Contains(listed.body, "hidden@example.org"));
}

TEST_CASE("list names and descriptions come out escaped on the public pages",
          "[web][subscriber][security]") {
  Fixture f;
  for (const std::string path : {"/lists", "/lists/demo@example.org", "/u/1.2.mac"}) {
    auto page = f.Get(path);
    INFO(path);
    CHECK(page.status == 200);
    CHECK_FALSE(Contains(page.body, kXss));
    CHECK(Contains(page.body, "&lt;script&gt;"));
  }
}

TEST_CASE("the subscribe form carries a timed token that is refused when it comes back too soon",
          "[web][subscriber][security]") {
  Fixture f;
  auto page = f.Get("/lists/demo@example.org", 1000);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "name=\"form_token\""));
  CHECK(Contains(page.body, "action=\"/lists/demo@example.org/subscribe\""));
  const std::string token = f.tokens.Timed("subscribe", "b1", 1000);
  // A script posts at once; a person takes kRequestMinAge seconds or more.
  CHECK(f.Post("/lists/demo@example.org/subscribe",
               {{"address", "a@example.org"}, {"form_token", token}},
               1000 + web::kRequestMinAge - 1)
            .status == 403);
  CHECK(f.Post("/lists/demo@example.org/subscribe", {{"address", "a@example.org"}}, 1010).status ==
        403);
  // The unsubscribe-request form's token does not serve the subscribe form.
  CHECK(f.Post("/lists/demo@example.org/subscribe",
               {{"address", "a@example.org"},
                {"form_token", f.tokens.Timed("unsubscribe-request", "b1", 1000)}},
               1010)
            .status == 403);
  CHECK(f.subscribers.writes.empty());
  auto sent =
      f.Post("/lists/demo@example.org/subscribe",
             {{"address", "a@example.org"}, {"form_token", token}}, 1000 + web::kRequestMinAge);
  CHECK(sent.status == 200);
  CHECK(Contains(sent.body, "A confirmation was sent to a@example.org."));
  REQUIRE(f.subscribers.writes.size() == 1);
  CHECK(f.subscribers.writes[0] == "join demo@example.org a@example.org from 192.0.2.7");
}

TEST_CASE("a request past a limit is 429 and a refused one 400", "[web][subscriber]") {
  Fixture f;
  const std::string token = f.tokens.Timed("unsubscribe-request", "b1", 1000);
  f.subscribers.request_outcome = SubscriberOutcome::kThrottled;
  CHECK(f.Post("/lists/demo@example.org/unsubscribe",
               {{"address", "a@example.org"}, {"form_token", token}})
            .status == 429);
  f.subscribers.request_outcome = SubscriberOutcome::kRefused;
  CHECK(f.Post("/lists/demo@example.org/unsubscribe",
               {{"address", "a@example.org"}, {"form_token", token}})
            .status == 400);
  CHECK(f.subscribers.writes.size() == 2);
}

TEST_CASE("GET of a confirm, unsubscribe or preferences link changes nothing and shows a button",
          "[web][subscriber][security]") {
  Fixture f;
  auto confirm = f.Get("/confirm/conf-token-1234567890");
  CHECK(confirm.status == 200);
  CHECK(Contains(confirm.body, "action=\"/confirm/conf-token-1234567890\""));
  auto leave = f.Get("/u/1.2.mac");
  CHECK(leave.status == 200);
  CHECK(Contains(leave.body, "name=\"List-Unsubscribe\" value=\"One-Click\""));
  auto preferences = f.Get("/preferences/1.2.pmac");
  CHECK(preferences.status == 200);
  CHECK(Contains(preferences.body, "Pause delivery"));
  CHECK(f.subscribers.writes.empty());
}

TEST_CASE("the confirm POST needs its page's form token", "[web][subscriber][security]") {
  Fixture f;
  CHECK(f.Post("/confirm/conf-token-1234567890", {}).status == 403);
  CHECK(f.subscribers.writes.empty());
  auto confirmed = f.Post("/confirm/conf-token-1234567890",
                          {{"form_token", f.tokens.Timed("confirm", "b1", 1000)}});
  CHECK(confirmed.status == 200);
  CHECK(f.subscribers.writes == std::vector<std::string>{"confirm conf-token-1234567890"});
}

TEST_CASE("an unknown confirmation or member link gets the neutral 404 page", "[web][subscriber]") {
  Fixture f;
  CHECK(f.Get("/confirm/made-up-token-000000").status == 404);
  auto unknown = f.Get("/u/1.3.mac");
  CHECK(unknown.status == 404);
  CHECK(Contains(unknown.body, "nothing was changed"));
  CHECK(f.Get("/preferences/1.2.mac").status == 404);  // an unsubscribe token is not one
  CHECK(f.subscribers.writes.empty());
}

TEST_CASE("RFC 8058 section 3.1 one-click POST unsubscribes with no cookie and no form token",
          "[web][subscriber][rfc8058]") {
  Fixture f;
  web::PageInput input;
  input.method = "POST";
  input.path = "/u/1.2.mac";
  input.fields = {{"List-Unsubscribe", "One-Click"}};
  input.body = "List-Unsubscribe=One-Click";
  input.client = "198.51.100.1";
  input.now = 1000;
  auto answer = f.pages.Dispatch(input);
  CHECK(answer.status == 200);
  CHECK(f.subscribers.writes == std::vector<std::string>{"unsubscribe 1.2.mac"});
  // Without the one-click body it is not the one-click POST.
  input.fields.clear();
  input.body.clear();
  CHECK(f.pages.Dispatch(input).status == 400);
  CHECK(f.subscribers.writes.size() == 1);
  // A token that is not valid answers 404, as the operations say.
  input.path = "/u/9.9.bad";
  input.fields = {{"List-Unsubscribe", "One-Click"}};
  CHECK(f.pages.Dispatch(input).status == 404);
}

TEST_CASE("the preferences POST sets delivery with its form token", "[web][subscriber]") {
  Fixture f;
  const std::string token = f.tokens.Timed("preferences", "b1", 1000);
  CHECK(f.Post("/preferences/1.2.pmac", {{"delivery", "off"}}).status == 403);
  CHECK(f.Post("/preferences/1.2.pmac", {{"delivery", "maybe"}, {"form_token", token}}).status ==
        400);
  CHECK(f.Post("/preferences/1.2.pmac", {{"delivery", "off"}, {"form_token", token}}).status ==
        200);
  CHECK(f.subscribers.writes == std::vector<std::string>{"delivery 1.2.pmac off"});
}
