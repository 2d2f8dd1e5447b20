// Stage 5, decorate (see decorate.h).
#include "listd/pipeline/decorate.h"

#include "listd/mime/decorator.h"
#include "listd/mime/dmarc_mitigation.h"
#include "listd/mime/footer_template.h"
#include "listd/mime/list_headers.h"
#include "listd/mime/template_files.h"

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
  const std::string name = list.settings.footer_template();
  if (name.empty()) return std::string();
  auto text = mime::ReadTemplate(
      mime::TemplateSearchPath(templates_dir, list.Address(), mime::BuiltInTemplatesDir()), name);
  if (!text) return text.failure();
  const std::string path = name;
  mime::FooterContext context;
  context.list_name =
      list.list.address.display_name.empty() ? list.Address() : list.list.address.display_name;
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

// The DMARC mitigation in force for this post.
settings::DmarcMitigation MitigationFor(const ListContext& list, dkim::DmarcPolicy author_policy) {
  const settings::DmarcMitigation mitigation = list.settings.dmarc_mitigation();
  if (mitigation == settings::DmarcMitigation::kNone) return mitigation;
  const bool strict = author_policy == dkim::DmarcPolicy::kQuarantine ||
                      author_policy == dkim::DmarcPolicy::kReject;
  if (strict || list.settings.dmarc_mitigate_unconditionally()) return mitigation;
  return settings::DmarcMitigation::kNone;
}

}  // namespace

base::Result<Decorated> Decorate(std::string_view message, const ListContext& list,
                                 const std::string& templates_dir,
                                 dkim::DmarcPolicy author_policy) {
  std::string mitigated;
  std::string summary;
  const settings::DmarcMitigation mitigation = MitigationFor(list, author_policy);
  if (mitigation != settings::DmarcMitigation::kNone) {
    const bool wrap = mitigation == settings::DmarcMitigation::kWrap;
    mime::MitigationRequest request;
    request.list = IdentityOf(list);
    request.reply_to_list = list.settings.reply_to() == settings::ReplyTo::kList;
    auto done = wrap ? mime::WrapMessage(message, request) : mime::MungeFrom(message, request);
    if (!done) {
      return done.failure().Prefixed("DMARC mitigation (" +
                                     std::string(settings::ToString(mitigation)) + ")");
    }
    mitigated = std::move(done->message);
    message = mitigated;
    summary = (wrap ? "wrapped" : "From munged") + std::string(" for DMARC p=") +
              std::string(dkim::ToString(author_policy)) + ", ";
  }
  auto footer = FooterFor(list, templates_dir);
  if (!footer) return footer.failure();
  mime::Decoration decoration;
  decoration.subject_tag = list.settings.subject_tag();
  decoration.footer = std::move(*footer);
  decoration.list = IdentityOf(list);
  decoration.add_list_headers = true;
  decoration.remove_author_dkim = list.settings.remove_dkim_signatures();
  switch (list.settings.reply_to()) {
    case settings::ReplyTo::kList:
      decoration.reply_to = mime::Decoration::ReplyTo::kList;
      break;
    case settings::ReplyTo::kAuthor:
      decoration.reply_to = mime::Decoration::ReplyTo::kAuthor;
      break;
    case settings::ReplyTo::kNone:
      decoration.reply_to = mime::Decoration::ReplyTo::kNone;
      break;
  }
  auto report = mime::Decorate(message, decoration);
  if (!report) return report.failure();
  Decorated out;
  out.message = std::move(report->message);
  out.summary = summary + (report->subject_tagged ? "tagged, " : "");
  out.summary += Describe(report->footer);
  if (!report->footer_why.empty() && report->footer == mime::FooterPlacement::kNone) {
    out.summary += " (" + report->footer_why + ")";
  }
  return out;
}

}  // namespace listd::pipeline
