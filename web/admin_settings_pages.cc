// The settings page (see admin_pages.h): every setting of the catalogue
// with its help text, its default and its value, saved by one POST, all
// or nothing, the catalogue's own complaints shown beside their fields.
#include "web/admin_page_common.h"
#include "web/admin_pages.h"
#include "web/admin_settings_form.h"
#include "web/http_status.h"

namespace web {
namespace {

using admin::Json;

// The page again, with what was posted and why it was refused.
base::Result<PageReply> Refused(const PageRequest& request, const Json& catalogue,
                                const Json& errors, const std::optional<base::Error>& failure,
                                int status) {
  const bool signing = request.Field("back") == "signing";
  Json values = admin::ListPageValues(request, signing ? "Signing" : "Settings");
  values["settings"] =
      admin::SettingsFields(catalogue, &request, errors,
                            signing ? admin::SigningSettingNames() : std::set<std::string>());
  if (failure)
    admin::AddError(values, *failure);
  else
    values["failure"] = {{"kind", "invalid"}, {"message", "Nothing was saved: see below."}};
  return PageReply::Render("admin_settings", std::move(values), status);
}

}  // namespace

void AdminPages::InstallSettings(PageRoutes& pages) {
  pages.Add("GET", "/admin/lists/{list}/settings", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto catalogue = ops_.lists.SettingsCatalogue(admin::ListOf(request));
              if (!catalogue) return catalogue.failure();
              Json values = admin::ListPageValues(request, "Settings");
              values["settings"] = admin::SettingsFields(*catalogue, nullptr, Json::object(), {});
              admin::AddNotice(values, request);
              return PageReply::Render("admin_settings", std::move(values));
            });

  pages.Add("POST", "/admin/lists/{list}/settings", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string& list = admin::ListOf(request);
              const bool signing = request.Field("back") == "signing";
              auto catalogue = ops_.lists.SettingsCatalogue(list);
              if (!catalogue) return catalogue.failure();
              admin::SettingsChange change = admin::ChangeFromForm(
                  *catalogue, request,
                  signing ? admin::SigningSettingNames() : std::set<std::string>());
              const std::string back =
                  admin::ListPagePath(list, signing ? "signing" : "settings") + "?done=saved";
              if (change.assignments.empty() && change.reset.empty()) {
                return PageReply::Redirect(back);
              }
              auto errors = ops_.lists.CheckSettings(change.assignments);
              if (!errors) return errors.failure();
              if (!errors->empty()) return Refused(request, *catalogue, *errors, std::nullopt, 400);
              auto changed = ops_.lists.ChangeSettings(
                  admin::ActorOf(request), list, change.assignments, change.reset, request.now);
              if (!changed) {
                if (base::IsSystemFailure(changed.failure())) return changed.failure();
                return Refused(request, *catalogue, Json::object(), changed.failure(),
                               HttpStatusOf(changed.failure().kind));
              }
              return PageReply::Redirect(back);
            });
}

}  // namespace web
