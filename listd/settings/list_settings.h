// ListSettings: one list's settings in force (the values its admins set,
// laid over the catalogue's defaults), read through typed accessors.
//
// Every reader (the pipeline, the services, doctor) asks an accessor:
// posting_policy() is a PostingPolicy, max_size() a byte count, and a
// misspelt setting is a compile error rather than an empty string. The
// closed sets are enums here; their spellings are the catalogue's
// (catalogue.h), which validated every stored value. A stored spelling
// this listd does not know (a store written by another version) reads as
// the default, except that posting_policy reads as moderated and
// nonmember_action as hold: who may post is left to a human.
//
// Thread-safety: a value; copies are independent.
#ifndef LISTD_LISTD_SETTINGS_LIST_SETTINGS_H_
#define LISTD_LISTD_SETTINGS_LIST_SETTINGS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"
#include "listd/settings/catalogue.h"
#include "storage/key_repository.h"
#include "storage/list_repository.h"

namespace storage {
class Store;
}

namespace listd::settings {

enum class ReplyTo { kNone, kList, kAuthor };
enum class PostingPolicy { kMembersOnly, kModerated, kAnnounceOnly, kOpen };
enum class NonmemberAction { kHold, kReject, kDiscard };
enum class UnauthenticatedRejection { kDiscard, kHold };
enum class PostingAuth { kAligned, kFrom };
enum class UnauthenticatedMemberAction { kHold, kAccept };
enum class BanAction { kDiscard, kReject };
enum class DmarcMitigation { kNone, kMungeFrom, kWrap };
enum class SigningAlgorithms { kRsa, kEd25519, kBoth };
enum class SubscriptionPolicy { kOpen, kConfirm, kModerate, kConfirmThenModerate };
enum class UnsubscriptionPolicy { kOpen, kConfirm };
enum class ComplaintAction { kUnsubscribe, kDisable, kNotify };

// The catalogue's spellings: "members-only", "munge-from", "both", ...
std::string_view ToString(ReplyTo value);
std::string_view ToString(PostingPolicy value);
std::string_view ToString(NonmemberAction value);
std::string_view ToString(UnauthenticatedRejection value);
std::string_view ToString(PostingAuth value);
std::string_view ToString(UnauthenticatedMemberAction value);
std::string_view ToString(BanAction value);
std::string_view ToString(DmarcMitigation value);
std::string_view ToString(SigningAlgorithms value);
std::string_view ToString(SubscriptionPolicy value);
std::string_view ToString(UnsubscriptionPolicy value);
std::string_view ToString(ComplaintAction value);

// One setting's value in force, as `list show` prints it.
struct EffectiveSetting {
  const SettingSpec* spec;
  std::string value;
  bool is_default;  // true when the list has not set it explicitly
};

class ListSettings {
 public:
  // `stored` holds the explicitly set values by name; names the catalogue
  // does not know are ignored.
  ListSettings(const base::EmailAddress& list, const std::map<std::string, std::string>& stored);
  // Every default, for no list in particular: a placeholder until loaded.
  ListSettings() : ListSettings(base::EmailAddress{}, {}) {}

  // Every catalogued setting in catalogue order, for `list show`.
  std::vector<EffectiveSetting> All() const;
  // The value in force of `id` as text (the form Validate() stores).
  const std::string& Text(SettingId id) const;
  bool IsDefault(SettingId id) const;

  std::string subject_tag() const { return Text(SettingId::kSubjectTag); }
  // The footer template's name or path; empty: no footer.
  std::string footer_template() const { return Text(SettingId::kFooterTemplate); }
  ReplyTo reply_to() const;
  PostingPolicy posting_policy() const;
  NonmemberAction nonmember_action() const;
  UnauthenticatedRejection unauthenticated_rejection() const;
  PostingAuth posting_auth() const;
  UnauthenticatedMemberAction unauthenticated_member_action() const;
  BanAction ban_action() const;
  uint64_t max_size() const;  // bytes; 0 = no limit
  DmarcMitigation dmarc_mitigation() const;
  bool dmarc_mitigate_unconditionally() const;
  // The list's own authserv-id; empty: the daemon's.
  std::string authserv_id() const { return Text(SettingId::kAuthservId); }
  std::string signing_domain() const { return Text(SettingId::kSigningDomain); }
  SigningAlgorithms signing_algorithms() const;
  // Whether signing.algorithms lets keys of `algorithm` sign.
  bool SignsWith(storage::KeyAlgorithm algorithm) const;
  std::vector<std::string> signed_headers() const;
  std::vector<std::string> oversigned_headers() const;
  // c= as "header/body", e.g. "relaxed/relaxed".
  std::string canonicalization() const { return Text(SettingId::kSigningCanonicalization); }
  int64_t signature_lifetime() const;  // x= lifetime in seconds; 0 = no x=
  bool remove_dkim_signatures() const;
  bool arc() const;
  SubscriptionPolicy subscription_policy() const;
  UnsubscriptionPolicy unsubscription_policy() const;
  int64_t pending_request_life() const;    // seconds
  int64_t confirmations_per_hour() const;  // mails
  bool notify_owners_of_held() const;
  double bounce_score_threshold() const;
  int64_t bounce_info_stale_after() const;  // seconds
  int64_t bounce_you_are_disabled_warnings() const;
  int64_t bounce_you_are_disabled_warnings_interval() const;  // seconds
  bool bounce_notify_owner_on_disable() const;
  bool bounce_notify_owner_on_removal() const;
  bool bounce_probe() const;
  bool forward_unrecognized_bounces() const;
  ComplaintAction complaint_action() const;
  // Whether the web face lists the list and shows its info page.
  bool advertised() const { return Text(SettingId::kAdvertised) == "on"; }
  // One line on the list, for its info page ("" when none was given).
  std::string description() const { return Text(SettingId::kDescription); }

 private:
  std::array<std::string, kSettingCount> values_;
  std::array<bool, kSettingCount> is_default_{};
};

// The settings in force for `list`, from the store.
base::Result<ListSettings> LoadListSettings(storage::Store& store, const storage::ListRecord& list);

}  // namespace listd::settings

#endif  // LISTD_LISTD_SETTINGS_LIST_SETTINGS_H_
