// BounceHandler (see bounce_handler.h).
#include "listd/inbound/bounce_handler.h"

#include "listd/inbound/bounce_parser.h"
#include "listd/inbound/mail_text.h"
#include "listd/outbound/mail_writer.h"

namespace listd::inbound {
namespace {

// The raw From field of `message`'s header, or "" (read for the owners'
// digest only, never trusted: a bounce's From is whoever wrote it).
std::string FromFieldOf(std::string_view message) {
  size_t at = 0;
  while (at < message.size()) {
    size_t end = message.find('\n', at);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(at, end - at);
    if (line.empty() || line == "\r") break;  // the end of the header
    if (line.size() > 5 && (line[0] == 'F' || line[0] == 'f') &&
        (line.substr(1, 4) == "rom:" || line.substr(1, 4) == "ROM:")) {
      return std::string(line.substr(5));
    }
    at = end + 1;
  }
  return "";
}

}  // namespace

base::Result<service::PostOutcome> BounceHandler::Handle(service::PostInHand& post,
                                                         const std::string&) {
  service::ReturnedMail mail;
  mail.post_id = post.post.id;
  mail.address = post.address;
  mail.report = ParseBounce(post.post.message);
  mail.from = outbound::OneLineText(FromFieldOf(post.post.message));
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
