// Fuzz target: the per-post limits the processor applies before any parse
// (listd/pipeline/header_limit.h and mime_part_limit.h), which read every
// post's raw bytes: the header field count and the MIME part bound, with
// their stopping points and their verdicts kept consistent.
#include <cstdint>
#include <string_view>

#include "fuzz_input.h"
#include "listd/pipeline/header_limit.h"
#include "listd/pipeline/mime_part_limit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  namespace pipeline = listd::pipeline;
  const std::string_view message = listd_fuzz::Text(data, size);
  const size_t limit = size % 17;  // small limits, so both verdicts occur
  const size_t fields = pipeline::CountHeaderFields(message, limit);
  Check(fields <= limit + 1, "the field count stops one past its limit");
  Check(fields <= pipeline::CountHeaderFields(message, limit + 5),
        "counting further never lowers it");
  Check(pipeline::HeaderLimitProblem(message, limit).has_value() == (fields > limit),
        "the header verdict follows the count");
  const size_t parts = pipeline::CountMimeParts(message, limit);
  Check(parts >= 1 && parts <= limit + 1, "the part bound is 1 to one past its limit");
  Check(pipeline::MimePartLimitProblem(message, limit).has_value() == (parts > limit),
        "the part verdict follows the bound");
  return 0;
}
