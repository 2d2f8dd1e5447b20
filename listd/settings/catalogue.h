// The settings catalogue: every per-list setting listd knows, with its
// one-line description, the kind of value it takes, and its default.
//
// It is the single place where a setting's name, allowed values and
// default are defined. Faces that take settings by name (`listctl list
// set`, later the REST API) validate through Validate() before anything is
// stored; the store keeps only the values an admin set explicitly, so a
// changed default reaches every list that never chose otherwise. Code that
// reads a setting does so by its SettingId through the typed accessors of
// ListSettings (list_settings.h), never by spelling its name.
//
// Validation is syntactic: signing.domain must be a valid domain name, but
// whether it aligns with the list's domain (DMARC, RFC 7489 section 3.1) is
// doctor's question, because a deliberate non-aligned domain is allowed.
//
// Thread-safety: the catalogue is immutable after first use; all functions
// are safe to call from any thread.
#ifndef LISTD_LISTD_SETTINGS_CATALOGUE_H_
#define LISTD_LISTD_SETTINGS_CATALOGUE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"

namespace listd::settings {

// Every setting, in the order `list show` prints them.
enum class SettingId {
  kSubjectTag,
  kFooterTemplate,
  kReplyTo,
  kPostingPolicy,
  kNonmemberAction,
  kUnauthenticatedRejection,
  kPostingAuth,
  kUnauthenticatedMemberAction,
  kBanAction,
  kMaxSize,
  kDmarcMitigation,
  kDmarcMitigateUnconditionally,
  kAuthservId,
  kSigningDomain,
  kSigningAlgorithms,
  kSigningHeaders,
  kSigningOversign,
  kSigningCanonicalization,
  kSigningExpire,
  kRemoveDkimSignatures,
  kArc,
  kSubscriptionPolicy,
  kUnsubscriptionPolicy,
  kPendingRequestLife,
  kConfirmationsPerHour,
  kNotifyOwnersOfHeld,
  kBounceScoreThreshold,
  kBounceInfoStaleAfter,
  kBounceYouAreDisabledWarnings,
  kBounceYouAreDisabledWarningsInterval,
  kBounceNotifyOwnerOnDisable,
  kBounceNotifyOwnerOnRemoval,
  kBounceProbe,
  kForwardUnrecognizedBounces,
  kComplaintAction,
  kAdvertised,
  kDescription,
};
inline constexpr size_t kSettingCount = static_cast<size_t>(SettingId::kDescription) + 1;

// What kind of value a setting takes; decides validation and how the
// allowed values are described.
enum class SettingType {
  kEnum,              // one of `allowed`
  kBytes,             // a size: digits with an optional K, M or G suffix (1024-based)
  kSeconds,           // a duration: digits with an optional s, m, h, d or w suffix
  kHeaderList,        // header field names separated by ':'
  kDomain,            // a DNS domain name
  kAuthservId,        // an Authentication-Results authserv-id (RFC 8601 section 2.2)
  kText,              // one line of free text
  kTemplateName,      // the file name of a Mustache template (*.mustache), no '/'
  kCanonicalization,  // header/body, each simple or relaxed (RFC 6376 section 3.4)
  kCount,             // a whole number, 0 to 1,000,000,000
  kScore,             // a number above 0 and at most 1,000, with at most two decimals
};

struct SettingSpec {
  SettingId id;
  std::string_view name;
  std::string_view description;
  SettingType type;
  std::vector<std::string_view> allowed;  // kEnum only
  // The default for a list at `list`; most ignore the address, but
  // subject_tag and signing.domain are made from it.
  std::string (*default_for)(const base::EmailAddress& list);
};

// Every setting, in SettingId order.
const std::vector<SettingSpec>& Catalogue();

// The setting `id`.
const SettingSpec& Spec(SettingId id);

// The setting called `name`, or nullptr.
const SettingSpec* FindSetting(std::string_view name);

// A human description of what `spec` accepts, e.g. "one of none, list,
// author" or "a size in bytes (K, M, G suffixes allowed)".
std::string DescribeAllowed(const SettingSpec& spec);

// Checks `value` for the setting `name` and returns it in the form to store
// (e.g. "5M" becomes "5242880", "relaxed" becomes "relaxed/simple"). The
// error (kind invalid) names the setting and what it accepts, e.g.
// "posting_policy must be one of members-only, moderated, announce-only,
// open, not 'closed'".
base::Result<std::string> Validate(std::string_view name, std::string_view value);

// The error for a name that is not in the catalogue, listing those that are.
base::Error UnknownSetting(std::string_view name);

}  // namespace listd::settings

#endif  // LISTD_LISTD_SETTINGS_CATALOGUE_H_
