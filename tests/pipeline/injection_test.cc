// Hardening finding 7 at the pipeline's depth: a list name that holds a
// line break (written into the store before names were checked, or by any
// path that skips the service) never becomes a header field of a post the
// list signs: decorating refuses, and the post would be held with the
// reason (the outcome is PostOutcomes' business) instead of going out.
#include <catch2/catch.hpp>
#include <string>

#include "listd/mime/footer_template.h"
#include "listd/pipeline/decorate.h"
#include "listd/service/list_service.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using namespace pipeline_test;

TEST_CASE("injection: a stored list name with CR LF cannot add a Bcc to the post",
          "[decorate][injection]") {
  ListFixture f;
  REQUIRE(f.store->lists().SetDisplayName(f.list.id, "Evil\r\nBcc: victim@example.org").ok());
  auto decorated =
      listd::pipeline::Decorate(kPost, f.Context(), listd::mime::BuiltInTemplatesDir());
  REQUIRE_FALSE(decorated.ok());
  CHECK_THAT(decorated.error(), Catch::Contains("line break"));
}

TEST_CASE("injection: a subject tag can only be one line (the catalogue refuses the rest)",
          "[decorate][injection]") {
  ListFixture f;
  listd::service::ListService lists(*f.store, "test");
  auto set = lists.Set(kListAddress, {{"subject_tag", "[x]\r\nBcc: victim@example.org"}}, {}, kNow);
  REQUIRE_FALSE(set.ok());
  CHECK(set.kind() == base::ErrorKind::kInvalid);
}

}  // namespace
