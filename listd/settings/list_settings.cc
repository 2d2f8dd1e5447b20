// ListSettings (see list_settings.h): values in force and their typed reads.
#include "listd/settings/list_settings.h"

#include <charconv>
#include <cstdlib>

#include "dkim/header_selection.h"
#include "storage/store.h"

namespace listd::settings {
namespace {

// What a stored spelling this listd does not know (written by another
// version) reads as: for who may post, who may join and what befalls a
// non-member, the most careful value, so that a human decides; for the
// rest, the default.
std::string UnknownReadsAs(const SettingSpec& spec, const base::EmailAddress& list) {
  if (spec.id == SettingId::kPostingPolicy) return "moderated";
  if (spec.id == SettingId::kSubscriptionPolicy) return "confirm_then_moderate";
  if (spec.id == SettingId::kNonmemberAction) return "hold";
  return spec.default_for(list);
}

// The index of `value` among the spellings the catalogue allows for `id`,
// or that of UnknownReadsAs when it is none of them.
size_t EnumIndex(SettingId id, const std::string& value, const base::EmailAddress& list) {
  const SettingSpec& spec = Spec(id);
  for (size_t i = 0; i < spec.allowed.size(); ++i) {
    if (spec.allowed[i] == value) return i;
  }
  const std::string fallback = UnknownReadsAs(spec, list);
  for (size_t i = 0; i < spec.allowed.size(); ++i) {
    if (spec.allowed[i] == fallback) return i;
  }
  return 0;
}

uint64_t Number(const std::string& text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  return value;
}

template <typename Enum>
std::string_view Spelling(SettingId id, Enum value) {
  return Spec(id).allowed[static_cast<size_t>(value)];
}

}  // namespace

// The enums list their values in the order of the catalogue's `allowed`.
std::string_view ToString(ReplyTo value) { return Spelling(SettingId::kReplyTo, value); }
std::string_view ToString(PostingPolicy value) {
  return Spelling(SettingId::kPostingPolicy, value);
}
std::string_view ToString(NonmemberAction value) {
  return Spelling(SettingId::kNonmemberAction, value);
}
std::string_view ToString(UnauthenticatedRejection value) {
  return Spelling(SettingId::kUnauthenticatedRejection, value);
}
std::string_view ToString(PostingAuth value) { return Spelling(SettingId::kPostingAuth, value); }
std::string_view ToString(UnauthenticatedMemberAction value) {
  return Spelling(SettingId::kUnauthenticatedMemberAction, value);
}
std::string_view ToString(BanAction value) { return Spelling(SettingId::kBanAction, value); }
std::string_view ToString(DmarcMitigation value) {
  return Spelling(SettingId::kDmarcMitigation, value);
}
std::string_view ToString(SigningAlgorithms value) {
  return Spelling(SettingId::kSigningAlgorithms, value);
}

std::string_view ToString(SubscriptionPolicy value) {
  return Spelling(SettingId::kSubscriptionPolicy, value);
}
std::string_view ToString(UnsubscriptionPolicy value) {
  return Spelling(SettingId::kUnsubscriptionPolicy, value);
}
std::string_view ToString(ComplaintAction value) {
  return Spelling(SettingId::kComplaintAction, value);
}

ListSettings::ListSettings(const base::EmailAddress& list,
                           const std::map<std::string, std::string>& stored) {
  for (const SettingSpec& spec : Catalogue()) {
    const size_t i = static_cast<size_t>(spec.id);
    auto it = stored.find(std::string(spec.name));
    if (it != stored.end()) {
      values_[i] = it->second;
    } else {
      values_[i] = spec.default_for(list);
      is_default_[i] = true;
    }
  }
  // An enum value this listd does not know reads as the default, once,
  // here: every accessor below can then trust its text.
  for (const SettingSpec& spec : Catalogue()) {
    if (spec.type != SettingType::kEnum) continue;
    const size_t i = static_cast<size_t>(spec.id);
    values_[i] = std::string(spec.allowed[EnumIndex(spec.id, values_[i], list)]);
  }
}

std::vector<EffectiveSetting> ListSettings::All() const {
  std::vector<EffectiveSetting> out;
  out.reserve(kSettingCount);
  for (const SettingSpec& spec : Catalogue()) {
    const size_t i = static_cast<size_t>(spec.id);
    out.push_back({&spec, values_[i], is_default_[i]});
  }
  return out;
}

const std::string& ListSettings::Text(SettingId id) const {
  return values_[static_cast<size_t>(id)];
}

bool ListSettings::IsDefault(SettingId id) const { return is_default_[static_cast<size_t>(id)]; }

namespace {

template <typename Enum>
Enum Read(const ListSettings& settings, SettingId id) {
  const SettingSpec& spec = Spec(id);
  const std::string& text = settings.Text(id);
  for (size_t i = 0; i < spec.allowed.size(); ++i) {
    if (spec.allowed[i] == text) return static_cast<Enum>(i);
  }
  return static_cast<Enum>(0);  // not reached: the constructor normalised it
}

}  // namespace

ReplyTo ListSettings::reply_to() const { return Read<ReplyTo>(*this, SettingId::kReplyTo); }
PostingPolicy ListSettings::posting_policy() const {
  return Read<PostingPolicy>(*this, SettingId::kPostingPolicy);
}
NonmemberAction ListSettings::nonmember_action() const {
  return Read<NonmemberAction>(*this, SettingId::kNonmemberAction);
}
UnauthenticatedRejection ListSettings::unauthenticated_rejection() const {
  return Read<UnauthenticatedRejection>(*this, SettingId::kUnauthenticatedRejection);
}
PostingAuth ListSettings::posting_auth() const {
  return Read<PostingAuth>(*this, SettingId::kPostingAuth);
}
UnauthenticatedMemberAction ListSettings::unauthenticated_member_action() const {
  return Read<UnauthenticatedMemberAction>(*this, SettingId::kUnauthenticatedMemberAction);
}
BanAction ListSettings::ban_action() const { return Read<BanAction>(*this, SettingId::kBanAction); }
uint64_t ListSettings::max_size() const { return Number(Text(SettingId::kMaxSize)); }
DmarcMitigation ListSettings::dmarc_mitigation() const {
  return Read<DmarcMitigation>(*this, SettingId::kDmarcMitigation);
}
bool ListSettings::dmarc_mitigate_unconditionally() const {
  return Text(SettingId::kDmarcMitigateUnconditionally) == "on";
}
SigningAlgorithms ListSettings::signing_algorithms() const {
  return Read<SigningAlgorithms>(*this, SettingId::kSigningAlgorithms);
}
bool ListSettings::SignsWith(storage::KeyAlgorithm algorithm) const {
  switch (signing_algorithms()) {
    case SigningAlgorithms::kBoth:
      return true;
    case SigningAlgorithms::kRsa:
      return algorithm == storage::KeyAlgorithm::kRsa;
    case SigningAlgorithms::kEd25519:
      return algorithm == storage::KeyAlgorithm::kEd25519;
  }
  return false;
}
std::vector<std::string> ListSettings::signed_headers() const {
  return dkim::SplitFieldNames(Text(SettingId::kSigningHeaders));
}
std::vector<std::string> ListSettings::oversigned_headers() const {
  return dkim::SplitFieldNames(Text(SettingId::kSigningOversign));
}
int64_t ListSettings::signature_lifetime() const {
  return static_cast<int64_t>(Number(Text(SettingId::kSigningExpire)));
}
bool ListSettings::remove_dkim_signatures() const {
  return Text(SettingId::kRemoveDkimSignatures) == "on";
}
bool ListSettings::arc() const { return Text(SettingId::kArc) == "on"; }
SubscriptionPolicy ListSettings::subscription_policy() const {
  return Read<SubscriptionPolicy>(*this, SettingId::kSubscriptionPolicy);
}
UnsubscriptionPolicy ListSettings::unsubscription_policy() const {
  return Read<UnsubscriptionPolicy>(*this, SettingId::kUnsubscriptionPolicy);
}
int64_t ListSettings::pending_request_life() const {
  return static_cast<int64_t>(Number(Text(SettingId::kPendingRequestLife)));
}
int64_t ListSettings::confirmations_per_hour() const {
  return static_cast<int64_t>(Number(Text(SettingId::kConfirmationsPerHour)));
}
bool ListSettings::notify_owners_of_held() const {
  return Text(SettingId::kNotifyOwnersOfHeld) == "on";
}

double ListSettings::bounce_score_threshold() const {
  // Stored by the catalogue as digits, a point and digits ("5.0").
  double threshold = std::strtod(Text(SettingId::kBounceScoreThreshold).c_str(), nullptr);
  return threshold > 0 ? threshold : 5.0;
}
int64_t ListSettings::bounce_info_stale_after() const {
  return static_cast<int64_t>(Number(Text(SettingId::kBounceInfoStaleAfter)));
}
int64_t ListSettings::bounce_you_are_disabled_warnings() const {
  return static_cast<int64_t>(Number(Text(SettingId::kBounceYouAreDisabledWarnings)));
}
int64_t ListSettings::bounce_you_are_disabled_warnings_interval() const {
  return static_cast<int64_t>(Number(Text(SettingId::kBounceYouAreDisabledWarningsInterval)));
}
bool ListSettings::bounce_notify_owner_on_disable() const {
  return Text(SettingId::kBounceNotifyOwnerOnDisable) == "on";
}
bool ListSettings::bounce_notify_owner_on_removal() const {
  return Text(SettingId::kBounceNotifyOwnerOnRemoval) == "on";
}
bool ListSettings::bounce_probe() const { return Text(SettingId::kBounceProbe) == "on"; }
bool ListSettings::forward_unrecognized_bounces() const {
  return Text(SettingId::kForwardUnrecognizedBounces) == "on";
}
ComplaintAction ListSettings::complaint_action() const {
  return Read<ComplaintAction>(*this, SettingId::kComplaintAction);
}

base::Result<ListSettings> LoadListSettings(storage::Store& store,
                                            const storage::ListRecord& list) {
  auto stored = store.lists().Settings(list.id);
  if (!stored) return stored.failure();
  return ListSettings(list.address, *stored);
}

}  // namespace listd::settings
