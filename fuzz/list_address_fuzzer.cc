// Fuzz target: the list-address parser (listd/service/list_address.h),
// which reads the local part of every LMTP recipient to find the list and
// the role (post, -request, -join, -leave, -owner, -bounces with VERP,
// -confirm+token). The input is a local part.
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "listd/service/list_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  const std::string_view local_part = listd_fuzz::Text(data, size);
  for (const listd::service::ListAddress& a : listd::service::ClassifyLocalPart(local_part)) {
    Check(a.list_local_part.size() <= local_part.size(), "a list name comes from the local part");
    for (char c : a.list_local_part) {
      Check(!(c >= 'A' && c <= 'Z'), "list names come back lower case");
    }
    if (a.role != listd::service::AddressRole::kConfirm) {
      Check(a.confirm_token.empty(), "only -confirm carries a token");
    }
    if (a.role != listd::service::AddressRole::kBounces) {
      Check(a.verp_recipient.empty(), "only -bounces carries a VERP recipient");
    }
    (void)listd::service::ToString(a.role);
  }
  return 0;
}
