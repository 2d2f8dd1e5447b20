// Key views (see key_view.h).
#include "listd/views/key_view.h"

namespace listd::views {

Json KeyView(const storage::KeyRecord& key, const std::string& signing_domain) {
  return {{"selector", key.selector},
          {"algorithm", std::string(storage::ToString(key.algorithm))},
          {"bits", key.bits},
          {"state", std::string(storage::ToString(key.state))},
          {"record_name", service::KeyService::RecordName(key.selector, signing_domain)},
          {"public_key", key.public_key},
          {"created_at", key.created_at},
          {"activated_at", Time(key.activated_at)},
          {"retired_at", Time(key.retired_at)}};
}

Json KeyCheckView(const service::KeyCheck& check) {
  return {{"selector", check.key.selector},
          {"algorithm", std::string(storage::ToString(check.key.algorithm))},
          {"state", std::string(storage::ToString(check.key.state))},
          {"name", check.name},
          {"result", std::string(service::ToString(check.outcome))},
          {"detail", check.detail}};
}

}  // namespace listd::views
