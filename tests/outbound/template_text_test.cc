// Templates for the mail listd writes itself: every shipped template
// renders with the variables templates/README.md documents, as plain text
// (no HTML escaping), a list's own override wins over the built-in one,
// and errors name the template.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "listd/mime/footer_template.h"
#include "listd/mime/template_files.h"
#include "listd/outbound/mail_writer.h"
#include "listd/outbound/template_text.h"

namespace {

namespace fs = std::filesystem;
using listd::outbound::RenderTemplate;
using listd::outbound::RenderTemplateText;
using listd::outbound::TemplateValues;

// The values every template gets (templates/README.md).
TemplateValues ListValues() {
  TemplateValues v;
  v.text = {{"list_name", "Q&A list"},
            {"list_address", "demo@lists.example.org"},
            {"request_address", "demo-request@lists.example.org"},
            {"join_address", "demo-join@lists.example.org"},
            {"leave_address", "demo-leave@lists.example.org"},
            {"owner_address", "demo-owner@lists.example.org"}};
  return v;
}

std::vector<std::string> BuiltIn() { return {listd::mime::BuiltInTemplatesDir()}; }

std::string Rendered(const std::string& name, const TemplateValues& values) {
  auto text = RenderTemplate(BuiltIn(), name, values);
  INFO(name);
  REQUIRE(text.ok());
  return *text;
}

// Each template with its own documented variables, and what must show.
struct Shipped {
  std::string name;
  std::map<std::string, std::string> own;
  std::vector<std::string> shows;
};

std::vector<Shipped> ShippedTemplates() {
  const std::string confirm = "demo-confirm+0123456789abcdef@lists.example.org";
  return {
      {"confirm_join.mustache",
       {{"address", "jane@example.org"}, {"confirm_address", confirm}, {"expires", "Sat, 5 Dec"}},
       {"jane@example.org", confirm, "Sat, 5 Dec", "reply to this message", "ignore"}},
      {"confirm_leave.mustache",
       {{"address", "jane@example.org"}, {"confirm_address", confirm}},
       {"jane@example.org", confirm, "unsubscribe"}},
      {"welcome.mustache",
       {{"address", "jane@example.org"}},
       {"jane@example.org", "demo-leave@lists.example.org"}},
      {"goodbye.mustache",
       {{"address", "jane@example.org"}},
       {"jane@example.org", "demo-join@lists.example.org", "no action is needed"}},
      {"help.mustache",
       {},
       {"join", "subscribe", "address=", "leave", "unsubscribe", "confirm TOKEN", "help", "end",
        "demo-join@lists.example.org", "demo-leave@lists.example.org",
        "demo-request@lists.example.org"}},
      {"command_reply.mustache", {{"help", "HELP TEXT"}}, {"HELP TEXT", "No action is needed"}},
      {"held_notice.mustache",
       {{"reason", "The sender is not a member."},
        {"author", "Joe <joe@example.com>"},
        {"subject", "Cheap & cheerful"},
        {"size", "12 KB"},
        {"auth_results", "dkim=pass dmarc=pass"},
        {"confirm_address", confirm}},
       {"The sender is not a member.", "Joe <joe@example.com>", "Cheap & cheerful", "12 KB",
        "dkim=pass dmarc=pass", confirm, "approve", "reject [reason]", "discard", "attached"}},
      {"subscription_pending.mustache",
       {{"address", "jane@example.org"}, {"confirm_address", confirm}},
       {"jane@example.org asks to join", confirm, "approve", "reject", "no action is needed"}},
      {"moderation_rejected.mustache",
       {{"subject", "Minutes"}, {"reason", "Off topic."}},
       {"rejected by a moderator", "\"Minutes\"", "Off topic.", "No action is needed"}},
      {"post_rejected.mustache",
       {{"subject", "Minutes"}, {"reason", "the list takes posts from its members only."}},
       {"not distributed", "\"Minutes\"", "members only.", "No action is needed"}},
      {"subscription_rejected.mustache",
       {{"address", "jane@example.org"}, {"reason", "Team members only."}},
       {"did not accept", "jane@example.org", "Team members only.", "nothing more"}},
      {"bounce_probe.mustache",
       {{"address", "jane@example.org"}},
       {"jane@example.org", "no action is needed", "disabled"}},
      {"bounce_warning.mustache",
       {{"address", "jane@example.org"},
        {"confirm_address", confirm},
        {"warning_number", "2"},
        {"warnings", "3"},
        {"removal_in", "14 days"},
        {"disabled_at", "2026-12-02 05:00 UTC"},
        {"last_failure", "5.1.1 user unknown"}},
       {"jane@example.org", confirm, "warning 2 of 3", "14 days", "2026-12-02 05:00 UTC",
        "5.1.1 user unknown", "\"enable\"", "demo-request@lists.example.org",
        "demo-owner@lists.example.org"}},
      {"bounce_goodbye.mustache",
       {{"address", "jane@example.org"}},
       {"jane@example.org has been removed", "demo-join@lists.example.org"}},
      {"bounce_owner_disabled.mustache",
       {{"address", "jane@example.org"},
        {"score", "5.0"},
        {"last_failure", "5.1.1 user unknown"},
        {"last_failure_at", "2026-12-02 05:00 UTC"}},
       {"jane@example.org", "5.0", "5.1.1 user unknown", "listctl member enable"}},
      {"bounce_owner_removed.mustache",
       {{"address", "jane@example.org"}, {"last_failure", "5.1.1 user unknown"}},
       {"jane@example.org has been removed", "5.1.1 user unknown"}},
      {"complaint_notice.mustache",
       {{"address", "jane@example.org"}, {"feedback_type", "abuse"}},
       {"jane@example.org", "abuse", "listctl member rm"}},
      {"bounce_digest.mustache",
       {{"count", "2"}},
       {"2 mails came back", "demo@lists.example.org", "No action is needed"}},
      {"password_link.mustache",
       {{"address", "jane@example.org"},
        {"link", "https://lists.example.org/password/TOKEN"},
        {"expires", "2026-12-02 06:00 UTC"}},
       {"jane@example.org", "https://lists.example.org/password/TOKEN", "2026-12-02 06:00 UTC",
        "no action is needed"}},
      {"confirm_enable.mustache",
       {{"address", "jane@example.org"}, {"confirm_address", confirm}},
       {"jane@example.org", confirm, "no action is needed"}},
  };
}

TEST_CASE("template_text: every shipped template renders with its documented variables",
          "[template_text]") {
  for (const Shipped& shipped : ShippedTemplates()) {
    INFO(shipped.name);
    TemplateValues values = ListValues();
    for (const auto& [name, value] : shipped.own) values.text[name] = value;
    const std::string text = Rendered(shipped.name, values);
    CHECK_THAT(text, !Catch::Contains("{{"));
    CHECK_THAT(text, !Catch::Contains("&amp;"));  // plain text, no HTML escaping
    CHECK_THAT(text, !Catch::Contains("\n\n\n"));
    for (const std::string& shown : shipped.shows) CHECK_THAT(text, Catch::Contains(shown));
    // Each says how to leave the list, or that no action is needed.
    const bool says = text.find("demo-leave@lists.example.org") != std::string::npos ||
                      text.find("o action is needed") != std::string::npos ||
                      text.find("ask the\nowners") != std::string::npos;
    CHECK(says);
    // And it goes out as a mail.
    listd::outbound::MailHeaders h;
    h.from = "demo-request@lists.example.org";
    h.to = "jane@example.org";
    h.subject = "s";
    h.message_id = "m@lists.example.org";
    CHECK(listd::outbound::WriteTextMail(h, text).ok());
  }
}

TEST_CASE("template_text: every template in templates/ is one of the shipped ones above",
          "[template_text]") {
  // A template added without its documented variables would render
  // untested: the list above must name it.
  std::set<std::string> listed;
  for (const Shipped& shipped : ShippedTemplates()) listed.insert(shipped.name);
  for (const auto& entry : std::filesystem::directory_iterator(BuiltIn().front())) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".mustache" || name == "footer.mustache") continue;
    INFO(name);
    CHECK(listed.count(name) == 1);
  }
}

TEST_CASE("template_text: the shipped templates have short lines without trailing spaces",
          "[template_text]") {
  for (const Shipped& shipped : ShippedTemplates()) {
    INFO(shipped.name);
    auto text = listd::mime::ReadTemplate(BuiltIn(), shipped.name);
    REQUIRE(text.ok());
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      INFO(line);
      CHECK(line.size() < 76);
      CHECK((line.empty() || line.back() != ' '));
    }
  }
}

TEST_CASE("template_text: the join confirmation never tells whether the address is a member",
          "[template_text]") {
  auto text = listd::mime::ReadTemplate(BuiltIn(), "confirm_join.mustache");
  REQUIRE(text.ok());
  // No variable or word that could differ between a member and a stranger.
  CHECK_THAT(*text, !Catch::Contains("already"));
  CHECK_THAT(*text, !Catch::Contains("member"));
}

TEST_CASE("template_text: command_reply lists each command with its result", "[template_text]") {
  TemplateValues values = ListValues();
  values.text["help"] = "HELP";
  values.lists["results"] = {{{"command", "join"}, {"result", "A confirmation was sent."}},
                             {{"command", "confirm 123"}, {"result", "This token has expired."}}};
  const std::string text = Rendered("command_reply.mustache", values);
  const size_t join = text.find("> join\nA confirmation was sent.\n");
  const size_t confirm = text.find("> confirm 123\nThis token has expired.\n");
  CHECK(join != std::string::npos);
  CHECK(confirm != std::string::npos);
  CHECK(join < confirm);
  CHECK_THAT(text, !Catch::Contains("no command"));
  values.lists["results"].clear();
  CHECK_THAT(Rendered("command_reply.mustache", values), Catch::Contains("no command"));
}

TEST_CASE("template_text: an empty value counts as false in a section", "[template_text]") {
  TemplateValues values;
  values.text["reason"] = "";
  auto text = RenderTemplateText("a{{#reason}}[{{reason}}]{{/reason}}b{{^reason}}!{{/reason}}",
                                 "t.mustache", values);
  REQUIRE(text.ok());
  CHECK(*text == "ab!");
}

TEST_CASE("template_text: a per-list override wins over the site's and the built-in one",
          "[template_text]") {
  const fs::path site =
      fs::temp_directory_path() / ("listd-outbound-templates-" + std::to_string(::getpid()));
  fs::remove_all(site);
  fs::create_directories(site / "lists" / "demo@lists.example.org");
  std::ofstream(site / "lists" / "demo@lists.example.org" / "welcome.mustache")
      << "Hi {{address}}, this is {{list_name}}'s own welcome.\n";
  std::ofstream(site / "goodbye.mustache") << "The site's goodbye to {{address}}.\n";
  const auto dirs = listd::mime::TemplateSearchPath(site.string(), "demo@lists.example.org",
                                                    listd::mime::BuiltInTemplatesDir());
  TemplateValues values = ListValues();
  values.text["address"] = "jane@example.org";
  auto welcome = RenderTemplate(dirs, "welcome.mustache", values);
  REQUIRE(welcome.ok());
  CHECK(*welcome == "Hi jane@example.org, this is Q&A list's own welcome.\n");
  auto goodbye = RenderTemplate(dirs, "goodbye.mustache", values);
  REQUIRE(goodbye.ok());
  CHECK(*goodbye == "The site's goodbye to jane@example.org.\n");
  // Another list gets the built-in welcome.
  const auto other = listd::mime::TemplateSearchPath(site.string(), "other@lists.example.org",
                                                     listd::mime::BuiltInTemplatesDir());
  auto builtin = RenderTemplate(other, "welcome.mustache", values);
  REQUIRE(builtin.ok());
  CHECK_THAT(*builtin, Catch::StartsWith("Welcome to Q&A list!"));
  fs::remove_all(site);
}

TEST_CASE("template_text: errors name the template", "[template_text]") {
  auto missing = RenderTemplate(BuiltIn(), "no_such.mustache", ListValues());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
  CHECK_THAT(missing.error(), Catch::Contains("no_such.mustache"));
  auto path = RenderTemplate(BuiltIn(), "../etc/passwd", ListValues());
  REQUIRE_FALSE(path.ok());
  CHECK(path.kind() == base::ErrorKind::kInvalid);
  auto broken = RenderTemplateText("Hello {{#list_name}}", "broken.mustache", ListValues());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.kind() == base::ErrorKind::kInvalid);
  CHECK_THAT(broken.error(), Catch::Contains("broken.mustache"));
}

}  // namespace
