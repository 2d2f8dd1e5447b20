// The signing panel and the key rollover as one guided page (see
// admin_pages.h). The steps are RFC 5863 section 3.5's life of a key pair
// (and RFC 6376 section 3.6.2's record under <selector>._domainkey.<d=>):
//   generate -> publish the TXT record (zone-file form, a copy button)
//   -> check DNS now (a live lookup: missing / mismatch / match)
//   -> activate (refused until the check matches, as `listctl key
//      activate` is without --force; the page says what DNS shows)
//   -> rotate (the next selector beside the active one) -> retire the old
//   key -> remove it once its signatures have expired.
// The doctor's findings for the list stand beside the steps, and the
// signing settings (d=, algorithms, h=, oversigning, x=, c=, ARC, DMARC
// mitigation) are a form on the same page.
//
// "Check DNS now" is a GET: looking up is reading, and changes nothing.
#include "web/admin_page_common.h"
#include "web/admin_pages.h"
#include "web/admin_settings_form.h"
#include "web/http_status.h"

namespace web {
namespace {

using admin::Json;

std::string Text(const Json& entry, const char* name) {
  auto found = entry.find(name);
  return found != entry.end() && found->is_string() ? found->get<std::string>() : "";
}

// Where a key stands in the rollover, in words and as the step it is at.
Json Step(const std::string& id, const std::string& label, const std::string& state) {
  return {{"id", id}, {"label", label}, {"state", state}};
}

// The guide's steps, each done, current or to come, from the keys.
Json Steps(const Json& keys, bool any_match) {
  bool generated = false, active = false, retired = false;
  for (const Json& key : keys) {
    const std::string state = Text(key, "state");
    generated = generated || state == "generated";
    active = active || state == "active";
    retired = retired || state == "retired";
  }
  auto mark = [](bool done, bool current) { return current ? "current" : done ? "done" : ""; };
  const bool started = generated || active || retired;
  return Json::array({
      Step("generate", "Generate a key", mark(started, !started)),
      Step("publish", "Publish its TXT record in DNS",
           mark(active && !generated, generated && !any_match)),
      Step("check", "Check DNS now", mark(active && !generated, generated && !any_match)),
      Step("activate", "Activate the key", mark(active && !generated, generated && any_match)),
      Step("rotate", "Rotate: the next key beside the active one",
           mark(false, active && !generated)),
      Step("retire", "Retire the old key", mark(retired, false)),
      Step("remove", "Remove it once its signatures have expired", mark(false, retired)),
  });
}

// The signing page: keys with their records and actions, the live check
// of `check_selector` when asked, the doctor's findings, the settings.
base::Result<PageReply> SigningPage(AdminOperations& ops, const PageRequest& request,
                                    const std::string& check_selector,
                                    const std::optional<base::Error>& failure, int status) {
  const std::string& list = admin::ListOf(request);
  auto keys = ops.keys.Keys(list);
  if (!keys) return keys.failure();
  Json values = admin::ListPageValues(request, "Signing");
  admin::AddNotice(values, request);
  if (failure) admin::AddError(values, *failure);

  // The live lookup, only when asked for ("check DNS now").
  Json checks = Json::array();
  if (!check_selector.empty()) {
    auto checked = ops.keys.Check(list, check_selector);
    if (checked) {
      checks = *checked;
    } else {
      values["check_failure"] = checked.failure().message;
    }
    values["checked_selector"] = check_selector;
  }
  bool any_match = false;
  Json rows = Json::array();
  std::set<std::string> selectors_with_records;
  std::map<std::string, Json> records;  // "selector/algorithm" -> record
  for (const Json& key : *keys) {
    const std::string selector = Text(key, "selector");
    if (selectors_with_records.insert(selector).second) {
      auto dns = ops.keys.DnsRecords(list, selector);
      if (!dns) return dns.failure();
      for (const Json& record : *dns) {
        records[Text(record, "selector") + "/" + Text(record, "algorithm")] = record;
      }
    }
  }
  const std::string show = request.Field("show");
  int index = 0;
  for (const Json& key : *keys) {
    const std::string selector = Text(key, "selector");
    const std::string algorithm = Text(key, "algorithm");
    const std::string state = Text(key, "state");
    Json row = key;
    row.erase("public_key");
    row["id"] = "key-" + std::to_string(index);
    row["zone_id"] = "zone-" + std::to_string(index);
    ++index;
    auto record = records.find(selector + "/" + algorithm);
    if (record != records.end()) row["zone_file"] = Text(record->second, "zone_file");
    row["generated"] = state == "generated";
    row["active"] = state == "active";
    row["retired"] = state == "retired";
    row["show_record"] = state != "active" || show == selector;
    row["show_href"] = admin::ListPagePath(list, "signing") +
                       "?show=" + admin::QueryValue(selector) + "#" + row["id"].get<std::string>();
    row["check_href"] = admin::ListPagePath(list, "signing") +
                        "?check=" + admin::QueryValue(selector) + "#" +
                        row["id"].get<std::string>();
    for (const Json& check : checks) {
      if (Text(check, "selector") != selector || Text(check, "algorithm") != algorithm) continue;
      const std::string result = Text(check, "result");
      row["check"] = {{"result", result},
                      {"detail", Text(check, "detail")},
                      {"name", Text(check, "name")},
                      {"match", result == "match"}};
      if (result == "match" && state == "generated") any_match = true;
    }
    rows.push_back(row);
  }
  values["keys"] = rows;
  values["has_keys"] = !rows.empty();
  values["steps"] = Steps(*keys, any_match);

  auto doctor = ops.reports.Doctor(list, request.now);
  if (doctor) {
    values["doctor"] = *doctor;
  } else {
    values["doctor_failure"] = doctor.failure().message;
  }
  auto catalogue = ops.lists.SettingsCatalogue(list);
  if (!catalogue) return catalogue.failure();
  values["settings"] =
      admin::SettingsFields(*catalogue, nullptr, Json::object(), admin::SigningSettingNames());
  return PageReply::Render("admin_signing", std::move(values), status);
}

std::string Back(const PageRequest& request, const std::string& done,
                 const std::string& show = "") {
  std::string to = admin::ListPagePath(admin::ListOf(request), "signing") + "?done=" + done;
  if (!show.empty()) to += "&show=" + admin::QueryValue(show);
  return to;
}

std::optional<int> Bits(const PageRequest& request) {
  if (request.Field("bits").empty()) return std::nullopt;
  return static_cast<int>(admin::NumberField(request, "bits", 2048, 0, 16384));
}

// A refusal the owner can act on comes back on the page; a failure of
// the system is the error page.
base::Result<PageReply> RefusedOrFailed(AdminOperations& ops, const PageRequest& request,
                                        const base::Error& error, const std::string& check) {
  if (base::IsSystemFailure(error) && error.kind != base::ErrorKind::kUnavailable) return error;
  return SigningPage(ops, request, check, error, HttpStatusOf(error.kind));
}

}  // namespace

void AdminPages::InstallSigning(PageRoutes& pages) {
  const std::string base = "/admin/lists/{list}/signing";
  pages.Add("GET", base, PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              return SigningPage(ops_, request, request.Field("check"), std::nullopt, 200);
            });

  pages.Add("POST", base + "/generate", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string algorithm = request.Field("algorithm");
              const std::string selector = request.Field("selector");
              std::vector<std::pair<std::string, std::optional<std::string>>> wanted;
              auto named = [&](const std::string& suffix) -> std::optional<std::string> {
                if (selector.empty()) return std::nullopt;
                return suffix.empty() ? selector : selector + "-" + suffix;
              };
              // Keys of two algorithms need two selectors (RFC 8463 section 6).
              if (algorithm == "both") {
                wanted = {{"rsa", named("rsa")}, {"ed25519", named("ed25519")}};
              } else {
                wanted = {{algorithm, named("")}};
              }
              std::string shown;
              for (const auto& [which, name] : wanted) {
                auto made = ops_.keys.Generate(admin::ActorOf(request), admin::ListOf(request),
                                               which, which == "rsa" ? Bits(request) : std::nullopt,
                                               name, request.now);
                if (!made) return RefusedOrFailed(ops_, request, made.failure(), "");
                if (shown.empty()) shown = (*made)["key"].value("selector", "");
              }
              return PageReply::Redirect(Back(request, "generated", shown));
            });

  pages.Add("POST", base + "/activate", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string selector = request.Field("selector");
              auto done = ops_.keys.Activate(admin::ActorOf(request), admin::ListOf(request),
                                             selector, request.Field("algorithm"), request.now);
              // Refused until the record matches: the page shows the
              // check that refused it beside the key.
              if (!done) return RefusedOrFailed(ops_, request, done.failure(), selector);
              return PageReply::Redirect(Back(request, "activated"));
            });

  pages.Add("POST", base + "/rotate", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto made = ops_.keys.Rotate(admin::ActorOf(request), admin::ListOf(request),
                                           request.Field("algorithm"), Bits(request), request.now);
              if (!made) return RefusedOrFailed(ops_, request, made.failure(), "");
              std::string shown;
              if (made->is_array() && !made->empty()) {
                shown = (*made)[0]["key"].value("selector", "");
              }
              return PageReply::Redirect(Back(request, "rotated", shown));
            });

  pages.Add("POST", base + "/retire", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto done = ops_.keys.Retire(admin::ActorOf(request), admin::ListOf(request),
                                           request.Field("selector"), request.Field("algorithm"),
                                           request.now);
              if (!done) return RefusedOrFailed(ops_, request, done.failure(), "");
              return PageReply::Redirect(Back(request, "retired"));
            });

  pages.Add("POST", base + "/remove", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto done = ops_.keys.Remove(admin::ActorOf(request), admin::ListOf(request),
                                           request.Field("selector"), request.Field("algorithm"),
                                           request.now);
              if (!done) return RefusedOrFailed(ops_, request, done.failure(), "");
              return PageReply::Redirect(Back(request, "removed"));
            });
}

}  // namespace web
