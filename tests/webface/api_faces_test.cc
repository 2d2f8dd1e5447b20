// listd's REST resources (listd/webface/*_face.h) on a real store: each
// write goes through the service the CLI uses and its event names the
// API's actor; pages are cut in address order with their total; the LIKE
// pattern of a search takes '%' and '_' literally; activation is refused
// until DNS shows the record (RFC 6376 section 3.6.2.1: the record at
// <selector>._domainkey.<domain>); a held post of another list is not
// found; the outline of a held post never carries its HTML.
#include <catch2/catch.hpp>

#include "dkim/txt_resolver.h"
#include "listd/mime/footer_template.h"
#include "listd/service/list_service.h"
#include "listd/service/post_outcomes.h"
#include "listd/service/spool.h"
#include "listd/webface/api_faces.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using nlohmann::json;
using namespace pipeline_test;

constexpr const char* kActor = "api:token-9";

// Hands each call the test's one static table.
class TableResolver : public dkim::TxtResolver {
 public:
  explicit TableResolver(dkim::StaticTxtResolver& table) : table_(table) {}
  dkim::TxtAnswer LookupTxt(const std::string& name) override { return table_.LookupTxt(name); }

 private:
  dkim::StaticTxtResolver& table_;
};

struct FaceFixture {
  ListFixture f;
  dkim::StaticTxtResolver dns;
  std::unique_ptr<listd::webface::SharedStore> shared;
  std::unique_ptr<listd::webface::ApiFaces> faces;

  FaceFixture() {
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
  }

  // The newest event of the list.
  storage::EventRecord LastEvent() {
    auto events = listd::service::ListService(*f.store, "").Events(kListAddress, 1);
    REQUIRE(events.ok());
    REQUIRE_FALSE(events->empty());
    return events->front();
  }
};

template <typename T>
const T& Ok(const base::Result<T>& result) {
  INFO((result.ok() ? std::string() : result.error()));
  REQUIRE(result.ok());
  return *result;
}

}  // namespace

TEST_CASE("webface lists: create, show, settings and remove with the API's actor",
          "[webface][lists]") {
  FaceFixture x;
  json created = Ok(x.faces->lists.CreateList(kActor, "new@lists.example.org", "New",
                                              std::string("owner@example.org"), kNow));
  REQUIRE(created["address"] == "new@lists.example.org");
  REQUIRE(created["members"]["owner"] == 1);
  REQUIRE(Ok(x.faces->lists.Lists()).size() == 2);
  auto taken = x.faces->lists.CreateList(kActor, "new@lists.example.org", "", std::nullopt, kNow);
  REQUIRE(taken.kind() == base::ErrorKind::kConflict);

  json settings =
      Ok(x.faces->lists.ChangeSettings(kActor, kListAddress, {{"subject_tag", "[d]"}}, {}, kNow));
  REQUIRE(settings["subject_tag"]["value"] == "[d]");
  REQUIRE(settings["subject_tag"]["default"] == false);
  REQUIRE_FALSE(settings["subject_tag"]["description"].get<std::string>().empty());
  REQUIRE(x.LastEvent().actor == kActor);

  // The catalogue refuses, and nothing changes (the first value stays).
  auto refused = x.faces->lists.ChangeSettings(
      kActor, kListAddress, {{"subject_tag", "[e]"}, {"max_size", "lots"}}, {}, kNow);
  REQUIRE(refused.kind() == base::ErrorKind::kInvalid);
  REQUIRE(Ok(x.faces->lists.Settings(kListAddress))["subject_tag"]["value"] == "[d]");
  Ok(x.faces->lists.ChangeSettings(kActor, kListAddress, {}, {"subject_tag"}, kNow));
  REQUIRE(Ok(x.faces->lists.Settings(kListAddress))["subject_tag"]["default"] == true);

  REQUIRE(x.faces->lists.RemoveList(kActor, "new@lists.example.org", kNow).ok());
  REQUIRE(x.faces->lists.ShowList("new@lists.example.org").kind() == base::ErrorKind::kNotFound);
}

TEST_CASE("webface members: pages in address order with total_size and filters",
          "[webface][members]") {
  FaceFixture x;
  x.f.AddMembers({"a1@one.example", "a2@one.example", "b_1@two.example", "b%2@two.example",
                  "bx1@two.example", "c@three.example"});
  web::MemberPageQuery query;
  query.count = 2;
  json first = Ok(x.faces->members.Members(kListAddress, query));
  REQUIRE(first["total_size"] == 6);
  REQUIRE(first["start"] == 0);
  REQUIRE(first["entries"].size() == 2);
  // Address order is domain, then local part.
  REQUIRE(first["entries"][0]["address"] == "a1@one.example");
  REQUIRE(first["entries"][1]["address"] == "a2@one.example");
  query.start = 5;
  json last = Ok(x.faces->members.Members(kListAddress, query));
  REQUIRE(last["entries"].size() == 1);
  REQUIRE(last["total_size"] == 6);
  query.start = 600;
  REQUIRE(Ok(x.faces->members.Members(kListAddress, query))["entries"].empty());

  // '_' and '%' are the address's own characters, not LIKE's wildcards.
  web::MemberPageQuery underscore;
  underscore.contains = "b_1";
  json found = Ok(x.faces->members.Members(kListAddress, underscore));
  REQUIRE(found["total_size"] == 1);
  REQUIRE(found["entries"][0]["address"] == "b_1@two.example");
  underscore.contains = "b%";
  REQUIRE(Ok(x.faces->members.Members(kListAddress, underscore))["total_size"] == 1);
  underscore.contains = "1@TWO";  // across the '@'
  REQUIRE(Ok(x.faces->members.Members(kListAddress, underscore))["total_size"] == 2);
  underscore.contains = "TWO.EXAMPLE";
  REQUIRE(Ok(x.faces->members.Members(kListAddress, underscore))["total_size"] == 3);

  Ok(x.faces->members.ChangeMember(
      kActor, kListAddress, "c@three.example",
      web::MemberChange{std::string("moderator"), true, std::string("disabled")}, kNow));
  REQUIRE(x.LastEvent().actor == kActor);
  web::MemberPageQuery moderators;
  moderators.role = "moderator";
  json mods = Ok(x.faces->members.Members(kListAddress, moderators));
  REQUIRE(mods["total_size"] == 1);
  REQUIRE(mods["entries"][0]["moderated"] == true);
  REQUIRE(mods["entries"][0]["delivery"] == "disabled-by-user");
  web::MemberPageQuery disabled;
  disabled.delivery = "disabled-by-user";
  REQUIRE(Ok(x.faces->members.Members(kListAddress, disabled))["total_size"] == 1);
  disabled.delivery = "sometimes";
  REQUIRE(x.faces->members.Members(kListAddress, disabled).kind() == base::ErrorKind::kInvalid);
  REQUIRE(x.faces->members.Members("nobody@lists.example.org", {}).kind() ==
          base::ErrorKind::kNotFound);
}

TEST_CASE("webface members: add, conflict, remove, import report and export",
          "[webface][members]") {
  FaceFixture x;
  json added =
      Ok(x.faces->members.AddMember(kActor, kListAddress, "Ann <ann@example.org>", "owner", kNow));
  REQUIRE(added["address"] == "ann@example.org");
  REQUIRE(added["role"] == "owner");
  REQUIRE(x.LastEvent().actor == kActor);
  REQUIRE(
      x.faces->members.AddMember(kActor, kListAddress, "ann@example.org", "member", kNow).kind() ==
      base::ErrorKind::kConflict);
  REQUIRE(
      x.faces->members.AddMember(kActor, kListAddress, "ann@example.org", "boss", kNow).kind() ==
      base::ErrorKind::kInvalid);

  json report = Ok(x.faces->members.Import(
      kActor, kListAddress, "bob@example.org\n# a comment\nnot an address\nann@example.org\n",
      kNow));
  REQUIRE(report["added"] == 1);
  REQUIRE(report["duplicates"] == 1);
  REQUIRE(report["rejected_count"] == 1);
  REQUIRE(report["rejected"][0]["line"] == 3);

  std::string exported = Ok(x.faces->members.Export(kListAddress));
  REQUIRE(exported.find("Ann <ann@example.org>\n") != std::string::npos);
  REQUIRE(exported.find("bob@example.org\n") != std::string::npos);

  REQUIRE(x.faces->members.RemoveMember(kActor, kListAddress, "bob@example.org", kNow).ok());
  REQUIRE(x.faces->members.RemoveMember(kActor, kListAddress, "bob@example.org", kNow).kind() ==
          base::ErrorKind::kNotFound);
  REQUIRE(x.faces->members.Member(kListAddress, "bob@example.org").kind() ==
          base::ErrorKind::kNotFound);
}

TEST_CASE("webface keys: activation is refused until DNS shows the record, never a private key",
          "[webface][keys]") {
  FaceFixture x;
  json made = Ok(x.faces->keys.Generate(kActor, kListAddress, "ed25519", std::nullopt,
                                        std::string("s1"), kNow));
  REQUIRE(made["key"]["state"] == "generated");
  REQUIRE(made["record_name"] == "s1._domainkey.lists.example.org");
  REQUIRE(made.dump().find("PRIVATE") == std::string::npos);
  REQUIRE(x.LastEvent().actor == kActor);

  json records = Ok(x.faces->keys.DnsRecords(kListAddress, "s1"));
  REQUIRE(records.size() == 1);
  REQUIRE(x.faces->keys.DnsRecords(kListAddress, "nope").kind() == base::ErrorKind::kNotFound);

  REQUIRE(Ok(x.faces->keys.Check(kListAddress, "s1"))[0]["result"] == "missing");
  auto refused = x.faces->keys.Activate(kActor, kListAddress, "s1", "", kNow);
  REQUIRE(refused.kind() == base::ErrorKind::kConflict);
  REQUIRE(refused.error().find("missing") != std::string::npos);

  x.dns.Add("s1._domainkey.lists.example.org", records[0]["value"].get<std::string>());
  REQUIRE(Ok(x.faces->keys.Check(kListAddress, "s1"))[0]["result"] == "match");
  json active = Ok(x.faces->keys.Activate(kActor, kListAddress, "s1", "", kNow));
  REQUIRE(active["key"]["state"] == "active");
  REQUIRE(active["check"]["result"] == "match");

  REQUIRE(x.faces->keys.Remove(kActor, kListAddress, "s1", "", kNow).kind() ==
          base::ErrorKind::kConflict);
  REQUIRE(Ok(x.faces->keys.Rotate(kActor, kListAddress, "", std::nullopt, kNow + 1)).size() == 1);
  json retired = Ok(x.faces->keys.Retire(kActor, kListAddress, "s1", "ed25519", kNow + 2));
  REQUIRE(retired["key"]["state"] == "retired");
  Ok(x.faces->keys.Remove(kActor, kListAddress, "s1", "", kNow + 3));
  json keys = Ok(x.faces->keys.Keys(kListAddress));
  REQUIRE(keys.size() == 1);
  REQUIRE(x.faces->keys.Generate(kActor, kListAddress, "dsa", std::nullopt, std::nullopt, kNow)
              .kind() == base::ErrorKind::kInvalid);
}

TEST_CASE("webface moderation: a held post's outline has its text, never its HTML",
          "[webface][moderation]") {
  FaceFixture x;
  const std::string message =
      "From: Jane <jane@example.org>\r\n"
      "To: demo@lists.example.org\r\n"
      "Subject: =?UTF-8?Q?Caf=C3=A9?= minutes\r\n"
      "Message-ID: <m1@example.org>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=\"b\"\r\n"
      "\r\n"
      "--b\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "\r\n"
      "plain words\r\n"
      "--b\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "\r\n"
      "<script>alert(1)</script><p>html words</p>\r\n"
      "--b--\r\n";
  listd::service::PostOptions options;
  options.templates_dir = listd::mime::BuiltInTemplatesDir();
  auto ids =
      listd::service::SpoolPost(*x.f.store, "jane@example.org", {kListAddress}, message, kNow);
  REQUIRE(ids.ok());
  listd::service::PostOutcomes outcomes(*x.f.store, options, [] { return kNow; });
  auto post = outcomes.Load(ids->front());
  REQUIRE(post.ok());
  REQUIRE(outcomes.Hold(*post, message, "post from non-member jane@example.org").ok());
  const int64_t id = *post->held_id;

  json held = Ok(x.faces->moderation.HeldPosts(kListAddress));
  REQUIRE(held.size() == 1);
  json outline = Ok(x.faces->moderation.HeldPost(kListAddress, id));
  bool subject = false;
  for (const json& header : outline["headers"]) {
    if (header["name"] == "Subject") subject = header["value"] == "Café minutes";
  }
  REQUIRE(subject);
  REQUIRE(outline["parts"].size() == 2);
  REQUIRE(outline["parts"][0]["content_type"] == "text/plain");
  REQUIRE(outline["parts"][0]["text"].get<std::string>().find("plain words") != std::string::npos);
  REQUIRE(outline["parts"][1]["content_type"] == "text/html");
  REQUIRE_FALSE(outline["parts"][1].contains("text"));
  REQUIRE(outline.dump().find("<script>") == std::string::npos);

  // Another list's token names this hold under its own list: not found.
  Ok(x.faces->lists.CreateList(kActor, "other@lists.example.org", "", std::nullopt, kNow));
  REQUIRE(x.faces->moderation.HeldPost("other@lists.example.org", id).kind() ==
          base::ErrorKind::kNotFound);
  REQUIRE(x.faces->moderation.Discard(kActor, "other@lists.example.org", id).kind() ==
          base::ErrorKind::kNotFound);

  json discarded = Ok(x.faces->moderation.Discard(kActor, kListAddress, id));
  REQUIRE(discarded["action"] == "discarded");
  REQUIRE(x.faces->moderation.HeldPost(kListAddress, id).kind() == base::ErrorKind::kNotFound);
  REQUIRE(Ok(x.faces->moderation.Requests(kListAddress)).empty());
  REQUIRE(x.faces->moderation.ApproveRequest(kActor, kListAddress, 5, kNow).kind() ==
          base::ErrorKind::kNotFound);
}

TEST_CASE("webface bans and reports: list and site bans, events with the API's actor",
          "[webface][bans][reports]") {
  FaceFixture x;
  json ban =
      Ok(x.faces->bans.AddBan(kActor, std::string(kListAddress), "*@spam.example", "spam", kNow));
  REQUIRE(ban["list"] == kListAddress);
  REQUIRE(
      x.faces->bans.AddBan(kActor, std::string(kListAddress), "*@spam.example", "", kNow).kind() ==
      base::ErrorKind::kConflict);
  json site = Ok(x.faces->bans.AddBan(kActor, std::nullopt, "x@bad.example", "", kNow));
  REQUIRE(site["list"].is_null());
  REQUIRE(Ok(x.faces->bans.Bans(std::nullopt)).size() == 1);
  REQUIRE(Ok(x.faces->bans.Bans(std::string(kListAddress))).size() == 1);
  REQUIRE(x.faces->bans.AddBan(kActor, std::nullopt, "not a pattern", "", kNow).kind() ==
          base::ErrorKind::kInvalid);
  REQUIRE(x.faces->bans.RemoveBan(kActor, std::string(kListAddress), "*@spam.example", kNow).ok());
  REQUIRE(
      x.faces->bans.RemoveBan(kActor, std::string(kListAddress), "*@spam.example", kNow).kind() ==
      base::ErrorKind::kNotFound);

  json events = Ok(x.faces->reports.Events(kListAddress, 10));
  REQUIRE_FALSE(events.empty());
  REQUIRE(events[0]["actor"] == kActor);
  REQUIRE(Ok(x.faces->reports.Bounces(kListAddress)).empty());
  json doctor = Ok(x.faces->reports.Doctor(kListAddress, kNow));
  REQUIRE(doctor["list"] == kListAddress);
  REQUIRE(x.faces->reports.Events("nobody@lists.example.org", 10).kind() ==
          base::ErrorKind::kNotFound);
}
