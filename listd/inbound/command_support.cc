// What the command handlers share (see command_support.h).
#include "listd/inbound/command_support.h"

#include "listd/inbound/mail_text.h"
#include "listd/outbound/mail_writer.h"
#include "listd/outbound/template_text.h"
#include "listd/pipeline/admit.h"
#include "listd/pipeline/sender_auth.h"

namespace listd::inbound {

CommandAuthor AuthorOf(const service::PostInHand& post, const std::string& recorded) {
  CommandAuthor author;
  auto mailboxes = pipeline::ParseMailboxList(service::FieldValue(recorded, "From"));
  if (!mailboxes) {
    author.problem = "its From cannot be read: " + mailboxes.error();
    return author;
  }
  if (mailboxes->size() != 1) {
    author.problem =
        mailboxes->empty() ? "it has no From address" : "it has several From addresses";
    return author;
  }
  author.address = mailboxes->front();
  // The judgment posting_auth=aligned makes of a post (sender_auth.h),
  // from our own results: never a second verification.
  const pipeline::AuthorVerdict verdict = pipeline::AuthenticateAuthor(
      author.address->domain, recorded, post.authserv_id, post.trusted_upstream);
  author.proven = verdict.result == pipeline::AuthorAuthResult::kAuthenticated;
  return author;
}

AnswerVerdict GuardOf(const service::PostInHand& post, const std::string& recorded) {
  AnswerGuardInput input;
  input.message = recorded;
  input.envelope_from = post.post.envelope_from;
  input.list_local_part = post.list.list.address.local_part;
  input.list_domain = post.list.list.address.domain;
  const std::string list_id = post.list.ListIdLabel();
  input.list_id = list_id;
  return MayAnswer(input);
}

base::Result<service::RequestAnswer> Answered(base::Result<service::RequestAnswer> answer) {
  if (answer || base::IsSystemFailure(answer.failure())) return answer;
  return service::RequestAnswer{service::Answer::kNothingToDo,
                                "could not be done: " + answer.error()};
}

base::Result<bool> SendReply(CommandServices& services, service::PostInHand& post,
                             const std::string& recorded, const std::vector<ReplyLine>& lines,
                             bool with_help, int64_t now) {
  const std::string to = post.post.envelope_from;
  storage::MailCount recent;
  recent.kind = "reply";
  recent.list_id = post.list.list.id;
  recent.address = to;
  recent.since = now - 3600 + 1;
  auto count = services.store.mail_log().Count(recent);
  if (!count) return count.failure();
  if (*count >= kMaxRepliesPerHour) {
    base::Status noted = services.store.events().Record(
        now, "listd", post.list.list.id, "command.reply_suppressed",
        "no reply to " + to + " for post " + std::to_string(post.post.id) + ": " +
            std::to_string(kMaxRepliesPerHour) + " replies to it in the last hour");
    if (!noted) return noted.failure();
    return false;
  }
  service::ListMail mail;
  mail.kind = "reply";
  mail.template_name = "command_reply.mustache";
  auto& results = mail.values.lists["results"];
  for (const ReplyLine& line : lines)
    results.push_back({{"command", line.command}, {"result", line.result}});
  if (with_help) {
    // Without its help text a reply still says what came of each command.
    auto help = services.mailer.Render(post.list, "help.mustache", {});
    if (help) mail.values.text["help"] = *help;
  }
  mail.headers.to = to;
  const std::string subject = outbound::OneLineText(SubjectOf(recorded));
  mail.headers.subject = subject.empty() ? "The results of your commands" : "Re: " + subject;
  std::string id = service::FieldValue(recorded, "Message-ID");
  if (id.size() > 2 && id.front() == '<' && id.back() == '>' &&
      id.find_first_of(" \t<>", 1) == id.size() - 1) {
    mail.headers.in_reply_to = id.substr(1, id.size() - 2);
  }
  mail.headers.auto_submitted = "auto-replied";
  auto sent = services.mailer.Send(post.list, post.post.id, std::move(mail), now);
  if (sent) return true;
  // A reply that cannot be written (a site template that does not render)
  // is said in the log of events; the mail is not tried again for it.
  if (base::IsSystemFailure(sent.failure())) return sent.failure();
  base::Status noted = services.store.events().Record(
      now, "listd", post.list.list.id, "command.reply_failed",
      "no reply for post " + std::to_string(post.post.id) + ": " + sent.error());
  if (!noted) return noted.failure();
  return false;
}

base::Result<service::PostOutcome> Unanswered(CommandServices& services, service::PostInHand& post,
                                              const AnswerVerdict& verdict) {
  return services.outcomes.Record(post, "not answered: " + verdict.reason, "command.unanswered");
}

}  // namespace listd::inbound
