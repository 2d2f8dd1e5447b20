// STANDARDS: RFC 5321 §2.3.11 (local parts), the VERP convention
//   <list>-bounces+<local>=<domain> (Mailman, mlmmj); RFC 2142 is not used
//   (owner-<list> prefix forms are not recognised).
// LIMITS: none; the input is a local part the session already bounded.
#include "listd/service/list_address.h"

#include <array>
#include <utility>

#include "base/ascii.h"
#include "base/email_address.h"
#include "storage/store.h"

namespace listd::service {
namespace {

struct Suffix {
  std::string_view text;
  AddressRole role;
};

constexpr std::array<Suffix, 6> kSuffixes{{
    {"-request", AddressRole::kRequest},
    {"-join", AddressRole::kJoin},
    {"-leave", AddressRole::kLeave},
    {"-owner", AddressRole::kOwner},
    {"-bounces", AddressRole::kBounces},
    {"-confirm", AddressRole::kConfirm},
}};

constexpr std::string_view kVerpMarker = "-bounces+";
constexpr std::string_view kConfirmMarker = "-confirm+";
constexpr std::string_view kProbeMarker = "probe.";

// "alice=example.org" -> "alice@example.org"; "" when malformed.
std::string DecodeVerp(std::string_view encoded) {
  std::size_t eq = encoded.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == encoded.size()) return "";
  return std::string(encoded.substr(0, eq)) + "@" + std::string(encoded.substr(eq + 1));
}

}  // namespace

std::vector<ListAddress> ClassifyLocalPart(std::string_view local_part) {
  std::vector<ListAddress> out;
  if (local_part.empty()) return out;
  const std::string lower = base::LowerAscii(local_part);

  std::size_t verp = lower.find(kVerpMarker);
  if (verp != std::string::npos && verp > 0) {
    std::string_view after = local_part.substr(verp + kVerpMarker.size());
    ListAddress bounces{lower.substr(0, verp), AddressRole::kBounces, "", "", ""};
    // A member's VERP always holds '='; a probe's token (base64url) never does.
    if (base::LowerAscii(after.substr(0, kProbeMarker.size())) == kProbeMarker &&
        after.find('=') == std::string_view::npos) {
      bounces.probe_token = std::string(after.substr(kProbeMarker.size()));
    } else {
      bounces.verp_recipient = DecodeVerp(after);
    }
    out.push_back(std::move(bounces));
    return out;
  }
  std::size_t confirm = lower.find(kConfirmMarker);
  if (confirm != std::string::npos && confirm > 0) {
    out.push_back(ListAddress{lower.substr(0, confirm), AddressRole::kConfirm, "",
                              std::string(local_part.substr(confirm + kConfirmMarker.size())), ""});
    return out;
  }
  for (const Suffix& suffix : kSuffixes) {
    if (lower.size() > suffix.text.size() && lower.ends_with(suffix.text)) {
      out.push_back(
          ListAddress{lower.substr(0, lower.size() - suffix.text.size()), suffix.role, "", "", ""});
      break;  // the suffixes do not end one another, so at most one matches
    }
  }
  out.push_back(ListAddress{lower, AddressRole::kPost, "", "", ""});
  return out;
}

std::string_view ToString(AddressRole role) {
  switch (role) {
    case AddressRole::kPost:
      return "post";
    case AddressRole::kRequest:
      return "request";
    case AddressRole::kJoin:
      return "join";
    case AddressRole::kLeave:
      return "leave";
    case AddressRole::kOwner:
      return "owner";
    case AddressRole::kBounces:
      return "bounces";
    case AddressRole::kConfirm:
      return "confirm";
  }
  return "unknown";
}

base::Result<std::optional<ResolvedAddress>> ResolveListAddress(storage::Store& store,
                                                                std::string_view recipient) {
  auto parsed = base::EmailAddress::Parse(recipient);
  if (!parsed) return std::optional<ResolvedAddress>();
  for (ListAddress& candidate : ClassifyLocalPart(parsed->local_part)) {
    base::EmailAddress list;
    list.local_part = candidate.list_local_part;
    list.domain = base::LowerAscii(parsed->domain);
    auto found = store.lists().Find(list);
    if (!found) return found.failure();
    if (*found) {
      return std::optional<ResolvedAddress>(ResolvedAddress{(*found)->id, std::move(candidate)});
    }
  }
  return std::optional<ResolvedAddress>();
}

}  // namespace listd::service
