// footer_template: Mustache rendering of plain-text footers.
#include "listd/mime/footer_template.h"

#include <catch2/catch.hpp>

namespace listd::mime {
namespace {

FooterContext Demo() {
  FooterContext context;
  context.list_name = "Q&A <list>";
  context.list_address = "qa@lists.example.org";
  context.post_address = "qa@lists.example.org";
  context.unsubscribe_address = "qa-leave@lists.example.org";
  return context;
}

TEST_CASE("{{var}} is not HTML-escaped in a text footer", "[footer_template]") {
  base::Result<std::string> text = RenderFooter("{{list_name}} -- {{post_address}}\n", Demo());
  REQUIRE(text.ok());
  CHECK(*text == "Q&A <list> -- qa@lists.example.org\n");
}

TEST_CASE("A syntax error is an Error naming the template", "[footer_template]") {
  base::Result<std::string> text =
      RenderFooter("{{#archive_url}}open section\n", Demo(), "lists/qa/footer.mustache");
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().find("lists/qa/footer.mustache") != std::string::npos);
  CHECK(text.error().find("syntax error") != std::string::npos);
}

TEST_CASE("The default template renders like Mailman's footer", "[footer_template]") {
  base::Result<std::string> source =
      LoadTemplate(std::string(LISTD_SOURCE_DIR) + "/templates/footer.mustache");
  REQUIRE(source.ok());
  base::Result<std::string> text = RenderFooter(*source, Demo());
  REQUIRE(text.ok());
  CHECK(*text ==
        "_______________________________________________\n"
        "Q&A <list> mailing list -- qa@lists.example.org\n"
        "To unsubscribe send an email to qa-leave@lists.example.org\n");
  FooterContext with_archive = Demo();
  with_archive.archive_url = "https://lists.example.org/qa";
  text = RenderFooter(*source, with_archive);
  REQUIRE(text.ok());
  CHECK(text->find("Archives: https://lists.example.org/qa\n") != std::string::npos);
  // No line ends in a space: the footer may land in format=flowed text.
  CHECK(text->find(" \n") == std::string::npos);
}

TEST_CASE("LoadTemplate says which file it could not read", "[footer_template]") {
  base::Result<std::string> missing = LoadTemplate("/nonexistent/footer.mustache");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("/nonexistent/footer.mustache") != std::string::npos);
}

}  // namespace
}  // namespace listd::mime
