// Stage 5, decorate (see decorate.h).
#include "listd/pipeline/decorate.h"

#include "listd/mime/decorator.h"
#include "listd/mime/footer_template.h"
#include "listd/mime/list_headers.h"

namespace listd::pipeline {
namespace {

mime::ListIdentity IdentityOf(const ListContext& list) {
  mime::ListIdentity identity;
  identity.name = list.list.address.display_name;
  identity.local_part = list.list.address.local_part;
  identity.domain = list.list.address.domain;
  return identity;
}

// The footer text for `list`, "" when it has none.
base::Result<std::string> FooterFor(const ListContext& list, const std::string& templates_dir) {
  const std::string& setting = list.Setting("footer_template");
  if (setting.empty()) return std::string();
  const std::string path =
      setting.front() == '/' || templates_dir.empty() ? setting : templates_dir + "/" + setting;
  auto text = mime::LoadTemplate(path);
  if (!text) return base::Error{text.error()};
  mime::FooterContext context;
  context.list_name = list.list.address.display_name.empty() ? list.Address()
                                                             : list.list.address.display_name;
  context.list_address = list.Address();
  context.list_id = list.ListIdLabel();
  context.post_address = list.Address();
  context.request_address = list.RoleAddress("request");
  context.subscribe_address = list.RoleAddress("join");
  context.unsubscribe_address = list.RoleAddress("leave");
  context.owner_address = list.RoleAddress("owner");
  return mime::RenderFooter(*text, context, path);
}

std::string_view Describe(mime::FooterPlacement placement) {
  switch (placement) {
    case mime::FooterPlacement::kAppendedToText:
      return "footer appended to the text";
    case mime::FooterPlacement::kAddedPart:
      return "footer added as a part";
    case mime::FooterPlacement::kAppendedToAlternatives:
      return "footer added after the alternatives";
    case mime::FooterPlacement::kNone:
      return "no footer";
  }
  return "no footer";
}

}  // namespace

base::Result<Decorated> Decorate(std::string_view message, const ListContext& list,
                                 const std::string& templates_dir) {
  auto footer = FooterFor(list, templates_dir);
  if (!footer) return base::Error{footer.error()};
  mime::Decoration decoration;
  decoration.subject_tag = list.Setting("subject_tag");
  decoration.footer = std::move(*footer);
  decoration.list = IdentityOf(list);
  decoration.add_list_headers = true;
  decoration.remove_author_dkim = list.Setting("remove_dkim_signatures") == "on";
  const std::string& reply_to = list.Setting("reply_to");
  decoration.reply_to = reply_to == "list"     ? mime::Decoration::ReplyTo::kList
                        : reply_to == "author" ? mime::Decoration::ReplyTo::kAuthor
                                               : mime::Decoration::ReplyTo::kNone;
  auto report = mime::Decorate(message, decoration);
  if (!report) return base::Error{report.error()};
  Decorated out;
  out.message = std::move(report->message);
  out.summary = report->subject_tagged ? "tagged, " : "";
  out.summary += Describe(report->footer);
  if (!report->footer_why.empty() && report->footer == mime::FooterPlacement::kNone) {
    out.summary += " (" + report->footer_why + ")";
  }
  return out;
}

}  // namespace listd::pipeline
