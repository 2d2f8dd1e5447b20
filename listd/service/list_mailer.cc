// ListMailer (see list_mailer.h).
#include "listd/service/list_mailer.h"

#include <utility>

#include "listd/mime/footer_template.h"
#include "listd/mime/template_files.h"
#include "listd/pipeline/queue.h"
#include "listd/pipeline/sign.h"
#include "storage/token_repository.h"

namespace listd::service {

namespace {

std::string ListName(const pipeline::ListContext& list) {
  return list.list.address.display_name.empty() ? list.list.address.local_part
                                                : list.list.address.display_name;
}

}  // namespace

base::Result<std::string> ListMailer::Render(const pipeline::ListContext& list,
                                             std::string_view name,
                                             outbound::TemplateValues values) const {
  auto& text = values.text;
  text.emplace("list_name", ListName(list));
  text.emplace("list_address", list.Address());
  text.emplace("request_address", list.RoleAddress("request"));
  text.emplace("join_address", list.RoleAddress("join"));
  text.emplace("leave_address", list.RoleAddress("leave"));
  text.emplace("owner_address", list.RoleAddress("owner"));
  return outbound::RenderTemplate(
      mime::TemplateSearchPath(templates_dir_, list.Address(), mime::BuiltInTemplatesDir()), name,
      values);
}

base::Result<Sent> ListMailer::Send(pipeline::ListContext& list, int64_t post_id, ListMail mail,
                                    int64_t now) {
  const std::string what = "writing the " + mail.kind + " mail to " + mail.headers.to;
  const std::string name = ListName(list);
  auto body = Render(list, mail.template_name, std::move(mail.values));
  if (!body) return body.failure().Prefixed(what);

  outbound::MailHeaders& headers = mail.headers;
  if (headers.from.empty()) headers.from = list.RoleAddress("request");
  if (headers.from_name.empty()) headers.from_name = name;
  // Random, not a counter: a Message-ID must be unique (RFC 5322 section
  // 3.6.4) across restarts and across listd instances sharing a domain.
  headers.message_id =
      "listd-" + mail.kind + "-" + storage::NewToken() + "@" + list.list.address.domain;
  headers.list_id = list.ListIdLabel();
  headers.list_unsubscribe = "<mailto:" + list.RoleAddress("leave") + ">";
  headers.now = now;
  auto written = mail.attached.empty()
                     ? outbound::WriteTextMail(headers, *body)
                     : outbound::WriteMailWithMessage(headers, *body, mail.attached);
  if (!written) return written.failure().Prefixed(what);

  Sent sent;
  sent.message_id = headers.message_id;
  std::string message = std::move(*written);
  if (auto signed_mail = pipeline::Sign(message, list, now)) {
    sent.is_signed = !list.keys.empty();
    message = std::move(signed_mail->message);
  }

  if (post_id == 0) {
    // No mail asked for this one: a spool row of its own keeps the batch's
    // reference, born processed so no pipeline takes it.
    storage::SpooledPost own;
    own.list_id = list.list.id;
    own.envelope_from = "";
    own.recipient = list.RoleAddress("request");
    own.message = message;
    own.state = storage::PostState::kProcessed;
    own.reason = "written by listd: " + mail.kind + " to " + headers.to;
    own.received_at = now;
    auto added = store_.spool().Add(own);
    if (!added) return added.failure().Prefixed(what);
    post_id = *added;
  }
  pipeline::QueueOptions queue;
  queue.now = now;
  const std::string envelope_from =
      mail.null_return_path ? ""
                            : list.RoleAddress(mail.bounces_suffix.empty()
                                                   ? std::string("bounces")
                                                   : "bounces+" + mail.bounces_suffix);
  auto queued = pipeline::QueueFor(store_, post_id, envelope_from, {headers.to}, message, queue);
  if (!queued) return queued.failure().Prefixed(what);
  base::Status logged =
      store_.mail_log().Record(list.list.id, mail.kind, headers.to, now, mail.client);
  if (!logged) return logged.failure().Prefixed(what);
  return sent;
}

}  // namespace listd::service
