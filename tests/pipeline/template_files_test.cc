// Hardening finding 8: footer_template read any file (`../`, absolute
// paths and symbolic links: /etc/hostname was appended to posts), and a
// FIFO stalled every list. A template is now a name inside the template
// directories (the list's override, the site's, the built-in one), a
// regular file opened without following a link, without blocking, and at
// most 64 KiB (listd/mime/template_files.h); the setting refuses anything
// else (listd/settings/catalogue.h).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "listd/mime/footer_template.h"
#include "listd/mime/template_files.h"
#include "listd/pipeline/decorate.h"
#include "listd/settings/catalogue.h"
#include "tests/support/list_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_mail.h"

namespace {

using listd::mime::ReadTemplate;
using listd::mime::ReadTemplateFile;
using namespace pipeline_test;

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST_CASE("template files: the setting takes names, never paths", "[templates]") {
  for (const char* value :
       {"../../etc/hostname.mustache", "/etc/hostname.mustache", "lists/demo.mustache",
        ".hidden.mustache", "footer.txt", "a b.mustache", "..mustache"}) {
    INFO(value);
    auto refused = listd::settings::Validate("footer_template", value);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.kind() == base::ErrorKind::kInvalid);
  }
  CHECK(*listd::settings::Validate("footer_template", "team-footer_2.mustache") ==
        "team-footer_2.mustache");
  CHECK(*listd::settings::Validate("footer_template", "") == "");
}

TEST_CASE("template files: a path in the name reads nothing, wherever it points", "[templates]") {
  storage_test::TempDir dir;
  Write(dir.File("secret.mustache"), "secret");
  for (const std::string& name : {std::string("../secret.mustache"), dir.File("secret.mustache"),
                                  std::string("sub/secret.mustache")}) {
    INFO(name);
    auto refused = ReadTemplate({dir.File("templates")}, name);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.kind() == base::ErrorKind::kInvalid);
  }
}

TEST_CASE("template files: a symbolic link is not followed", "[templates]") {
  storage_test::TempDir dir;
  Write(dir.File("outside.txt"), "outside the template directory");
  std::filesystem::create_directories(dir.File("templates"));
  std::filesystem::create_symlink(dir.File("outside.txt"), dir.File("templates/footer.mustache"));
  auto refused = ReadTemplate({dir.File("templates")}, "footer.mustache");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.kind() == base::ErrorKind::kForbidden);
  CHECK_THAT(refused.error(), Catch::Contains("symbolic link"));
}

TEST_CASE("template files: a FIFO is refused at once, never read", "[templates]") {
  storage_test::TempDir dir;
  std::filesystem::create_directories(dir.File("templates"));
  REQUIRE(::mkfifo(dir.File("templates/footer.mustache").c_str(), 0600) == 0);
  const auto started = std::chrono::steady_clock::now();
  auto refused = ReadTemplate({dir.File("templates")}, "footer.mustache");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.kind() == base::ErrorKind::kForbidden);
  CHECK_THAT(refused.error(), Catch::Contains("not a regular file"));
}

TEST_CASE("template files: more than 64 KiB is refused", "[templates]") {
  storage_test::TempDir dir;
  Write(dir.File("big.mustache"), std::string(64 * 1024 + 1, 'x'));
  Write(dir.File("fits.mustache"), std::string(64 * 1024, 'x'));
  CHECK_FALSE(ReadTemplateFile(dir.File("big.mustache")).ok());
  CHECK(ReadTemplateFile(dir.File("fits.mustache"))->size() == 64 * 1024);
}

TEST_CASE("template files: the first directory that has the name wins", "[templates]") {
  storage_test::TempDir dir;
  Write(dir.File("list/footer.mustache"), "the list's");
  Write(dir.File("site/footer.mustache"), "the site's");
  Write(dir.File("site/other.mustache"), "the site's other");
  const std::vector<std::string> dirs = {dir.File("list"), dir.File("site")};
  CHECK(*ReadTemplate(dirs, "footer.mustache") == "the list's");
  CHECK(*ReadTemplate(dirs, "other.mustache") == "the site's other");
  auto missing = ReadTemplate(dirs, "absent.mustache");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
  CHECK(listd::mime::TemplateSearchPath("/etc/listd/templates", "demo@lists.example.org",
                                        "/usr/share/listd/templates") ==
        std::vector<std::string>{"/etc/listd/templates/lists/demo@lists.example.org",
                                 "/etc/listd/templates", "/usr/share/listd/templates"});
}

TEST_CASE("template files: a path stored by an older listd holds the post, reading nothing",
          "[templates][decorate]") {
  ListFixture f;
  storage_test::TempDir templates;
  REQUIRE(f.store->lists().SetSetting(f.list.id, "footer_template", "/etc/hostname").ok());
  auto decorated = listd::pipeline::Decorate(kPost, f.Context(), templates.path());
  REQUIRE_FALSE(decorated.ok());
  CHECK_THAT(decorated.error(), Catch::Contains("is not a template name"));
}

}  // namespace
