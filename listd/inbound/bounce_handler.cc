// BounceHandler (see bounce_handler.h).
#include "listd/inbound/bounce_handler.h"

#include "listd/inbound/bounce_parser.h"
#include "listd/inbound/command_support.h"
#include "listd/inbound/mail_text.h"
#include "listd/outbound/mail_writer.h"

namespace listd::inbound {

base::Result<service::PostOutcome> BounceHandler::Handle(service::PostInHand& post,
                                                         const std::string& recorded) {
  service::ReturnedMail mail;
  mail.post_id = post.post.id;
  mail.address = post.address;
  mail.report = ParseBounce(post.post.message);
  // Whether the report comes authenticated from its From domain, as
  // posting_auth=aligned judges a post (a feedback loop signs its
  // reports): only then may a complaint change a subscription.
  const CommandAuthor author = AuthorOf(post, recorded);
  mail.authenticated = author.address && author.proven;
  mail.from = author.address ? author.address->ToString()
                             : outbound::OneLineText(service::FieldValue(recorded, "From"));
  mail.subject = outbound::OneLineText(SubjectOf(post.post.message));
  // What the bounce does and the post's new state commit together, so a
  // crash between them cannot take it twice.
  storage::Transaction transaction = store_.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  auto taken = bounces_.Take(post.list, mail, outcomes_.clock()());
  if (!taken) return taken.failure();
  auto outcome = outcomes_.Record(
      post, std::string(service::ToString(mail.report.kind)) + ": " + *taken, "bounce.received");
  if (!outcome) return outcome;
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return outcome;
}

}  // namespace listd::inbound
