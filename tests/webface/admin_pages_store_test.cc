// The admin pages (web/admin_pages.h) over listd's own faces on a real
// store, as the daemon wires them: a setting the catalogue refuses is
// shown beside its field and nothing is stored; the key rollover's
// activation is refused until the record is in DNS (RFC 6376 section
// 3.6.2.1: the record at <selector>._domainkey.<domain>; RFC 5863 section
// 3.5: verify the publication before signing), and the overview then
// shows the key signing.
#include <catch2/catch.hpp>

#include "dkim/txt_resolver.h"
#include "listd/mime/footer_template.h"
#include "listd/service/list_service.h"
#include "listd/webface/api_faces.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"
#include "tests/web/table_access.h"
#include "web/admin_pages.h"

namespace {

using nlohmann::json;
using namespace pipeline_test;

class TableResolver : public dkim::TxtResolver {
 public:
  explicit TableResolver(dkim::StaticTxtResolver& table) : table_(table) {}
  dkim::TxtAnswer LookupTxt(const std::string& name) override { return table_.LookupTxt(name); }

 private:
  dkim::StaticTxtResolver& table_;
};

struct PagesFixture {
  ListFixture f;
  dkim::StaticTxtResolver dns;
  std::unique_ptr<listd::webface::SharedStore> shared;
  std::unique_ptr<listd::webface::ApiFaces> faces;
  web_test::TableAccess access;
  web::FormTokens tokens{std::string(32, 'k')};
  web::PageRoutes pages{access, tokens};
  std::unique_ptr<web::PageRenderer> renderer;
  std::unique_ptr<web::AdminPages> admin;
  std::string session;

  PagesFixture() {
    storage::StoreOptions options;
    options.db_path = f.dir.File("listd.db");
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    shared = std::make_unique<listd::webface::SharedStore>(std::move(*opened));
    faces = std::make_unique<listd::webface::ApiFaces>(
        *shared, listd::mime::BuiltInTemplatesDir(),
        [this]() -> base::Result<std::unique_ptr<dkim::TxtResolver>> {
          return std::unique_ptr<dkim::TxtResolver>(std::make_unique<TableResolver>(dns));
        });
    admin = std::make_unique<web::AdminPages>(web::AdminOperations{
        faces->lists, faces->members, faces->keys, faces->moderation, faces->bans, faces->reports});
    auto loaded = web::PageRenderer::Load(LISTD_WEB_TEMPLATES);
    REQUIRE(loaded);
    renderer = std::move(*loaded);
    pages.SetRenderer(renderer.get());
    admin->Install(pages);
    web::Principal alice;
    alice.actor = "web:alice@example.org";
    alice.user = "alice@example.org";
    alice.roles[kListAddress] = web::ListRole::kOwner;
    access.users["alice@example.org"] = alice;
    session = *access.OpenSession("alice@example.org", kNow);
  }

  web::PageAnswer Send(const std::string& method, const std::string& page,
                       std::multimap<std::string, std::string> fields = {}) {
    web::PageInput input;
    input.method = method;
    input.path =
        std::string("/admin") + (page.empty() ? "" : "/lists/" + std::string(kListAddress) + page);
    if (method == "POST") fields.emplace("csrf", tokens.CsrfFor(session));
    input.fields = std::move(fields);
    input.cookie_header = std::string(web::kSessionCookie) + "=" + session;
    input.now = kNow;
    return pages.Dispatch(input);
  }
  std::string Setting(const std::string& name) {
    auto settings = faces->lists.Settings(kListAddress);
    REQUIRE(settings.ok());
    return (*settings)[name]["value"].get<std::string>();
  }
};

}  // namespace

TEST_CASE("admin settings page on a real store: a refused value stays beside its field",
          "[webface][admin]") {
  PagesFixture x;
  auto page = x.Send("GET", "/settings");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("id=\"setting-signing.expire\"") != std::string::npos);
  auto refused =
      x.Send("POST", "/settings", {{"value:posting_policy", "open"}, {"value:max_size", "huge"}});
  CHECK(refused.status == 400);
  CHECK(refused.body.find("id=\"error-setting-max_size\"") != std::string::npos);
  CHECK(x.Setting("posting_policy") != "open");  // all or nothing
  auto saved =
      x.Send("POST", "/settings", {{"value:posting_policy", "open"}, {"value:max_size", "2M"}});
  CHECK(saved.status == 303);
  CHECK(x.Setting("posting_policy") == "open");
  CHECK(x.Setting("max_size") == "2097152");
  auto events = listd::service::ListService(*x.f.store, "").Events(kListAddress, 1);
  REQUIRE(events.ok());
  REQUIRE_FALSE(events->empty());
  CHECK(events->front().actor == "web:alice@example.org");
}

TEST_CASE("admin signing page on a real store: activate is refused until DNS shows the record",
          "[webface][admin][keys]") {
  PagesFixture x;
  CHECK(
      x.Send("POST", "/signing/generate", {{"algorithm", "ed25519"}, {"selector", "e1"}}).status ==
      303);
  auto page = x.Send("GET", "/signing", {{"check", "e1"}});
  REQUIRE(page.status == 200);
  CHECK(page.body.find("e1._domainkey.lists.example.org") != std::string::npos);
  CHECK(page.body.find("data-result=\"missing\"") != std::string::npos);
  auto refused =
      x.Send("POST", "/signing/activate", {{"selector", "e1"}, {"algorithm", "ed25519"}});
  CHECK(refused.status == 409);
  CHECK(refused.body.find("missing") != std::string::npos);
  auto records = x.faces->keys.DnsRecords(kListAddress, "e1");
  REQUIRE(records.ok());
  x.dns.Add("e1._domainkey.lists.example.org", (*records)[0]["value"].get<std::string>());
  CHECK(x.Send("GET", "/signing", {{"check", "e1"}}).body.find("data-result=\"match\"") !=
        std::string::npos);
  CHECK(
      x.Send("POST", "/signing/activate", {{"selector", "e1"}, {"algorithm", "ed25519"}}).status ==
      303);
  auto overview = x.Send("GET", "");
  REQUIRE(overview.status == 200);
  CHECK(overview.body.find("ed25519: active") != std::string::npos);
}
