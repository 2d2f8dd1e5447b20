// ListMailer: mail a list writes on its own behalf (confirmations, welcome
// and goodbye, command replies, notices to moderators), from a Mustache
// template to a signed message in the delivery queue.
//
//   render (outbound/template_text.h, per-list override) -> write
//   (outbound/mail_writer.h: one text part, or text + message/rfc822)
//   -> sign with the list's keys (pipeline/sign.h) -> queue for the one
//   recipient -> log it (storage/mail_log.h, the hourly caps count it)
//
// Contract: Send() runs in the caller's transaction (what the mail is
// about and the mail itself commit together, or neither does). A mail
// belongs to a spooled post for the delivery queue: the command mail it
// answers, or, when there is none (a face other than mail asked), a spool
// row of its own, kept processed. A template that does not render, or a
// header the writer refuses, is an error of kind invalid naming it; a
// signing failure leaves the mail unsigned, as a rejection notice is
// (the message matters more than its signature), and says so in `Sent`.
//
// STANDARDS
//   RFC 3834 section 5 (Auto-Submitted: auto-replied for an answer to a
//   person's mail, auto-generated for the rest); RFC 2369 section 3.2
//   (List-Unsubscribe names the -leave address); RFC 2919 (List-Id);
//   RFC 6377 section 3.3 (the envelope sender is the list's -bounces
//   address, so a dead address comes back to the list, not a person;
//   the null return path for an answer to a post's sender, RFC 3834
//   section 3.3).
//
// Thread-safety: one ListMailer per thread, over that thread's Store.
#ifndef LISTD_LISTD_SERVICE_LIST_MAILER_H_
#define LISTD_LISTD_SERVICE_LIST_MAILER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "listd/outbound/mail_writer.h"
#include "listd/outbound/template_text.h"
#include "listd/pipeline/list_context.h"
#include "storage/store.h"

namespace listd::service {

struct ListMail {
  std::string kind;           // mail-log kind: "confirm-join", "welcome", "reply", ...
  std::string template_name;  // "confirm_join.mustache"
  // Values for the template besides the list's own, which Send() adds:
  // list_name, list_address, request_address, join_address,
  // leave_address, owner_address.
  outbound::TemplateValues values;
  // from (default: the list's -request address), from_name (default: the
  // list's name), to, subject, reply_to, in_reply_to; Send() fills
  // message_id, list_id, list_unsubscribe and the date.
  outbound::MailHeaders headers;
  std::string attached;  // a message to attach as message/rfc822; "" none
  // The null return path instead of -bounces: for an answer to a post's
  // sender, which must never bounce back to anyone (RFC 3834 section 3.3,
  // RFC 5321 section 4.5.5).
  bool null_return_path = false;
  // A VERP suffix for the envelope sender, list-bounces+SUFFIX@: a mail to
  // one member whose bounce must name what it was (a probe's token,
  // list_address.h); "" for plain -bounces.
  std::string bounces_suffix;
  // The web client that asked for it ("" from other faces), for the mail
  // log's per-client cap.
  std::string client;
};

struct Sent {
  std::string message_id;
  bool is_signed = false;
};

class ListMailer {
 public:
  // `templates_dir`: listd's --templates (may be empty: built-in only).
  ListMailer(storage::Store& store, std::string templates_dir)
      : store_(store), templates_dir_(std::move(templates_dir)) {}

  // Writes, signs and queues `mail` for `mail.headers.to` (see Contract).
  // `post_id`: the spooled post it answers, or 0.
  base::Result<Sent> Send(pipeline::ListContext& list, int64_t post_id, ListMail mail, int64_t now);
  // The template `name` of `list` rendered with `values` and the list's
  // own (as Send() renders a body), e.g. help.mustache inside a reply.
  base::Result<std::string> Render(const pipeline::ListContext& list, std::string_view name,
                                   outbound::TemplateValues values) const;

 private:
  storage::Store& store_;
  std::string templates_dir_;
};

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_LIST_MAILER_H_
