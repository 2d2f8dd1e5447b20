// Fuzz target: DMARC policy records from DNS (dkim/dmarc_record.h,
// RFC 7489 section 6.3 and 6.6.3), text anyone who controls a domain's DNS
// may write.
#include <string_view>

#include "dkim/dmarc_record.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  const std::string_view text = listd_fuzz::Text(data, size);
  const bool versioned = dkim::StartsWithDmarcVersion(text);
  auto record = dkim::ParseDmarcRecord(text);
  if (!record.ok()) {
    Check(!record.error().empty(), "a refused record says why");
    return 0;
  }
  Check(versioned, "a record read as DMARC starts with v=DMARC1 (section 6.6.3)");
  Check(record->pct >= 0 && record->pct <= 100, "pct= is 0..100");
  (void)record->SubdomainPolicy();
  return 0;
}
