// The settings catalogue: every per-list setting listd knows, with its
// one-line description, the kind of value it takes, and its default.
//
// It is the single place where a setting's name, allowed values and
// default are defined. `listctl list set` validates through it before
// anything is stored; the store (storage::ListRepository) keeps only the
// values an admin set explicitly, so a changed default reaches every list
// that never chose otherwise. Readers (the pipeline, doctor) ask
// Effective() for the value in force.
//
// Validation is syntactic: signing.domain must be a valid domain name, but
// whether it aligns with the list's domain (DMARC, RFC 7489 section 3.1) is
// doctor's question, because a deliberate non-aligned domain is allowed.
//
// Thread-safety: the catalogue is immutable after first use; all functions
// are safe to call from any thread.
#ifndef LISTD_LISTD_LIST_SETTINGS_H_
#define LISTD_LISTD_LIST_SETTINGS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/email_address.h"
#include "base/result.h"

namespace listd {

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
  kTemplatePath,      // path of a Mustache template (*.mustache)
  kCanonicalization,  // header/body, each simple or relaxed (RFC 6376 section 3.4)
};

struct SettingSpec {
  std::string_view name;
  std::string_view description;
  SettingType type;
  std::vector<std::string_view> allowed;  // kEnum only
  // The default for a list at `list`; most ignore the address, but
  // signing.domain defaults to the list's own domain.
  std::string (*default_for)(const base::EmailAddress& list);
};

// A setting's value in force for one list.
struct EffectiveSetting {
  const SettingSpec* spec;
  std::string value;
  bool is_default;  // true when the list has not set it explicitly
};

// Every setting, in the order `list show` prints them.
const std::vector<SettingSpec>& SettingsCatalogue();

// The setting called `name`, or nullptr.
const SettingSpec* FindSetting(std::string_view name);

// A human description of what `spec` accepts, e.g. "one of none, list,
// author" or "a size in bytes (K, M, G suffixes allowed)".
std::string DescribeAllowed(const SettingSpec& spec);

// Checks `value` for the setting `name` and returns it in the form to store
// (e.g. "5M" becomes "5242880", "relaxed" becomes "relaxed/simple"). The
// error names the setting and what it accepts, e.g. "posting_policy must be
// one of members-only, moderated, announce-only, open, not 'closed'".
base::Result<std::string> ValidateSetting(std::string_view name, std::string_view value);

// Every catalogued setting for the list at `list`, with `stored` (the
// explicitly set values) laid over the defaults. Stored names that are not
// in the catalogue (from a newer or older listd) are left out.
std::vector<EffectiveSetting> EffectiveSettings(const base::EmailAddress& list,
                                                const std::map<std::string, std::string>& stored);

// The field names of a kHeaderList value ("From:To:Subject"), empty items
// skipped.
std::vector<std::string> SplitFieldNames(std::string_view value);

// The value in force of one setting; `name` must be catalogued.
std::string EffectiveValue(const base::EmailAddress& list,
                           const std::map<std::string, std::string>& stored, std::string_view name);

}  // namespace listd

#endif  // LISTD_LISTD_LIST_SETTINGS_H_
