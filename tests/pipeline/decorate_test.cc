// Stage 5, decorate: the list's settings turned into listd/mime's
// decoration, on a list in a real store. The footer template is looked up
// relative to the templates directory (or absolute), a broken template is
// an error that names it, and subject_tag, reply_to (RFC 5322 section
// 3.6.2), remove_dkim_signatures (RFC 6377 section 5.7) and the List-*
// fields (RFC 2369, RFC 2919) follow the settings.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "dkim/message.h"
#include "listd/pipeline/decorate.h"
#include "tests/support/list_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_mail.h"

namespace {

using listd::pipeline::Decorate;
using listd::pipeline::Decorated;
using namespace pipeline_test;

void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

// A list and a templates directory holding footer.mustache (the default).
struct DecorateFixture {
  ListFixture f;
  storage_test::TempDir templates;

  DecorateFixture() {
    WriteFile(templates.File("footer.mustache"),
              "-- \nDefault footer of {{list_name}}, leave at {{unsubscribe_address}}\n");
  }

  Decorated Run(const std::string& message = kPost) {
    auto out = Decorate(message, f.Context(), templates.path());
    INFO((out.ok() ? std::string() : out.error()));
    REQUIRE(out.ok());
    return std::move(*out);
  }
};

// The values of the fields named `name` in `text`, top to bottom.
std::vector<std::string> Values(const std::string& text, std::string_view name) {
  auto message = dkim::Message::Parse(text);
  REQUIRE(message.ok());
  std::vector<std::string> out;
  for (const dkim::HeaderField* field : message->FieldsNamed(name)) {
    std::string value(field->value());
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.push_back(value);
  }
  return out;
}

std::string BodyOf(const std::string& text) {
  const size_t end = text.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  return text.substr(end + 4);
}

TEST_CASE("decorate: the default footer.mustache is found in the templates directory",
          "[decorate]") {
  DecorateFixture d;
  const Decorated out = d.Run();
  CHECK_THAT(BodyOf(out.message),
             Catch::Contains("Default footer of Demo, leave at demo-leave@lists.example.org"));
  CHECK_THAT(BodyOf(out.message), Catch::Contains("The minutes are attached in spirit."));
  CHECK_THAT(out.summary, Catch::Contains("footer"));
  CHECK_THAT(out.summary, !Catch::Contains("no footer"));
}

TEST_CASE("decorate: a footer_template name is found in the templates directory", "[decorate]") {
  DecorateFixture d;
  WriteFile(d.templates.File("demo.mustache"), "Posted to {{post_address}} ({{list_id}})\n");
  d.f.Set({{"footer_template", "demo.mustache"}});
  const Decorated out = d.Run();
  CHECK_THAT(BodyOf(out.message),
             Catch::Contains("Posted to demo@lists.example.org (demo.lists.example.org)"));
  CHECK_THAT(BodyOf(out.message), !Catch::Contains("Default footer"));
}

TEST_CASE("decorate: the list's own directory overrides the site's template of that name",
          "[decorate]") {
  DecorateFixture d;
  WriteFile(d.templates.File("lists/demo@lists.example.org/footer.mustache"),
            "Owners: {{owner_address}}\n");
  const Decorated out = d.Run();
  CHECK_THAT(BodyOf(out.message), Catch::Contains("Owners: demo-owner@lists.example.org"));
  CHECK_THAT(BodyOf(out.message), !Catch::Contains("Default footer"));
}

TEST_CASE("decorate: a template only listd ships is found in the built-in directory",
          "[decorate]") {
  DecorateFixture d;
  std::filesystem::remove(d.templates.File("footer.mustache"));
  const Decorated out = d.Run();
  // templates/footer.mustache of the source tree.
  CHECK_THAT(BodyOf(out.message), Catch::Contains("demo-leave@lists.example.org"));
}

TEST_CASE("decorate: a footer template with a syntax error is an Error naming it", "[decorate]") {
  DecorateFixture d;
  WriteFile(d.templates.File("broken.mustache"), "{{#list_name}}never closed\n");
  d.f.Set({{"footer_template", "broken.mustache"}});
  auto out = Decorate(kPost, d.f.Context(), d.templates.path());
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error(), Catch::Contains("broken.mustache"));
}

TEST_CASE("decorate: a footer template that does not exist is an Error naming it", "[decorate]") {
  DecorateFixture d;
  d.f.Set({{"footer_template", "missing.mustache"}});
  auto out = Decorate(kPost, d.f.Context(), d.templates.path());
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error(), Catch::Contains("missing.mustache"));
}

TEST_CASE("decorate: footer_template=\"\" adds no footer", "[decorate]") {
  DecorateFixture d;
  d.f.Set({{"footer_template", ""}});
  const Decorated out = d.Run();
  CHECK(BodyOf(out.message) == BodyOf(kPost));
  CHECK_THAT(out.summary, Catch::Contains("no footer"));
}

TEST_CASE("decorate: the subject tag comes from subject_tag, \"[demo]\" by default", "[decorate]") {
  DecorateFixture d;
  SECTION("default") {
    const Decorated out = d.Run();
    CHECK(Values(out.message, "Subject") == std::vector<std::string>{"[demo] Minutes of Tuesday"});
    CHECK(out.summary.starts_with("tagged, "));
  }
  SECTION("set") {
    d.f.Set({{"subject_tag", "[Team News]"}});
    const Decorated out = d.Run();
    CHECK(Values(out.message, "Subject") ==
          std::vector<std::string>{"[Team News] Minutes of Tuesday"});
  }
  SECTION("empty: no tag") {
    d.f.Set({{"subject_tag", ""}});
    const Decorated out = d.Run();
    CHECK(Values(out.message, "Subject") == std::vector<std::string>{"Minutes of Tuesday"});
    CHECK_FALSE(out.summary.starts_with("tagged"));
  }
}

TEST_CASE("decorate: RFC 5322 section 3.6.2, reply_to=list sets Reply-To to the list",
          "[decorate]") {
  DecorateFixture d;
  SECTION("none (the default) leaves the post without one") {
    CHECK(Values(d.Run().message, "Reply-To").empty());
  }
  SECTION("list") {
    d.f.Set({{"reply_to", "list"}});
    const auto values = Values(d.Run().message, "Reply-To");
    REQUIRE(values.size() == 1);
    CHECK_THAT(values[0], Catch::Contains("demo@lists.example.org"));
  }
  SECTION("author keeps the author's own") {
    d.f.Set({{"reply_to", "author"}});
    const std::string post =
        Replace(kPost, "Subject:", "Reply-To: <jane.home@example.net>\r\nSubject:");
    CHECK(Values(d.Run(post).message, "Reply-To") ==
          std::vector<std::string>{"<jane.home@example.net>"});
  }
}

TEST_CASE(
    "decorate: RFC 6377 section 5.7, remove_dkim_signatures drops the author's "
    "DKIM-Signature only when on",
    "[decorate]") {
  DecorateFixture d;
  const std::string signed_post = SignedBy(kPost, "ed");
  REQUIRE(Values(signed_post, "DKIM-Signature").size() == 1);
  SECTION("off (the default) keeps it") {
    CHECK(Values(d.Run(signed_post).message, "DKIM-Signature").size() == 1);
  }
  SECTION("on drops it") {
    d.f.Set({{"remove_dkim_signatures", "on"}});
    CHECK(Values(d.Run(signed_post).message, "DKIM-Signature").empty());
  }
}

TEST_CASE("decorate: RFC 2919 section 3 and RFC 2369, the list's List-* fields", "[decorate]") {
  DecorateFixture d;
  const std::string incoming =
      Replace(kPost, "Subject:", "List-Id: Other <other.example.com>\r\nSubject:");
  const std::string out = d.Run(incoming).message;
  const auto ids = Values(out, "List-Id");
  REQUIRE(ids.size() == 1);  // another list's List-Id is replaced, not kept beside ours
  CHECK_THAT(ids[0], Catch::Contains("<demo.lists.example.org>"));
  CHECK_THAT(ids[0], Catch::Contains("Demo"));
  REQUIRE(Values(out, "List-Post").size() == 1);
  CHECK_THAT(Values(out, "List-Post")[0], Catch::Contains("mailto:demo@lists.example.org"));
  REQUIRE(Values(out, "List-Unsubscribe").size() == 1);
  CHECK_THAT(Values(out, "List-Unsubscribe")[0], Catch::Contains("demo-leave@lists.example.org"));
  // The author's fields are still there.
  CHECK(Values(out, "Message-ID") == std::vector<std::string>{"<minutes-1@example.org>"});
}

TEST_CASE("decorate: a post without a header/body separator is an Error", "[decorate]") {
  DecorateFixture d;
  auto out =
      Decorate("From: jane@example.org\r\nSubject: no body", d.f.Context(), d.templates.path());
  CHECK_FALSE(out.ok());
}

}  // namespace
