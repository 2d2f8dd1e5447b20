// Fuzz target: DKIM key records from DNS (dkim/key_record.h, RFC 6376
// section 3.6.1), text anyone who controls a domain's DNS may write.
#include <string_view>

#include "dkim/key_record.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  auto record = dkim::ParseKeyRecord(listd_fuzz::Text(data, size));
  if (!record.ok()) {
    Check(!record.error().empty(), "a refused record says why");
    return 0;
  }
  Check(record->revoked == record->public_key_der.empty(), "revoked means an empty p=");
  if (record->public_key == nullptr && !record->revoked && record->known_key_type) {
    Check(!record->public_key_error.empty(), "an unusable key says why");
  }
  (void)record->AllowsHash("sha256");
  (void)record->AllowsHash("sha1");
  (void)record->AllowsEmail();
  return 0;
}
