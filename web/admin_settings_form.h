// The settings form the settings page and the signing panel share: the
// catalogue's entries (ListOperations::SettingsCatalogue) made into the
// fields a template shows (help text, what is allowed, the default, the
// current or just posted value, the catalogue's complaint), and a posted
// form made back into the changes to ask for.
//
// A field is "value:NAME"; its box "reset:NAME" puts the default back.
// Only what differs from the list's current settings is sent, so saving
// the page untouched changes nothing (and leaves defaults as defaults).
#ifndef LISTD_WEB_ADMIN_SETTINGS_FORM_H_
#define LISTD_WEB_ADMIN_SETTINGS_FORM_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "web/admin_page_common.h"

namespace web::admin {

// The settings the signing panel shows (d=, algorithms, h=, oversigning,
// x=, c=, ARC, DMARC mitigation).
const std::set<std::string>& SigningSettingNames();

// What a posted form asks to change.
struct SettingsChange {
  std::vector<std::pair<std::string, std::string>> assignments;
  std::vector<std::string> reset;
};

// The changes `request` posts against `catalogue`, limited to `only`
// when it is not empty.
SettingsChange ChangeFromForm(const Json& catalogue, const PageRequest& request,
                              const std::set<std::string>& only);

// The template's fields for `catalogue` (limited to `only` when not
// empty), showing a posted value instead of the current one when the
// request posted one, and `errors` ({NAME: message}) beside their fields.
Json SettingsFields(const Json& catalogue, const PageRequest* posted, const Json& errors,
                    const std::set<std::string>& only);

}  // namespace web::admin

#endif  // LISTD_WEB_ADMIN_SETTINGS_FORM_H_
