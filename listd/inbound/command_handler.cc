// CommandHandler (see command_handler.h).
#include "listd/inbound/command_handler.h"

#include "base/ascii.h"
#include "listd/inbound/command_parser.h"
#include "listd/inbound/confirm_handler.h"
#include "listd/service/confirmation_tokens.h"

namespace listd::inbound {
namespace {

bool SameAddress(const base::EmailAddress& a, const base::EmailAddress& b) {
  return base::LowerAscii(a.local_part) == base::LowerAscii(b.local_part) &&
         base::LowerAscii(a.domain) == base::LowerAscii(b.domain);
}

}  // namespace

base::Result<service::PostOutcome> CommandHandler::Handle(service::PostInHand& post,
                                                          const std::string& recorded) {
  const AnswerVerdict guard = GuardOf(post, recorded);
  if (!guard.may_answer) return Unanswered(services_, post, guard);
  const int64_t now = services_.outcomes.clock()();
  const CommandMail mail = ParseCommandMail(recorded);
  const CommandAuthor author = AuthorOf(post, recorded);

  storage::Transaction transaction = services_.store.Begin();
  if (!transaction.begun()) return transaction.begun().failure();
  std::vector<ReplyLine> lines;
  bool with_help = false;
  bool throttled = false;
  if (!mail.problem.empty()) {
    lines.push_back({"(the mail)", "no command could be read: " + mail.problem});
    with_help = true;
  }
  for (const Command& command : mail.commands) {
    ReplyLine line{command.line, ""};
    if (!command.problem.empty()) {
      line.result = "not done: " + command.problem;
      with_help = true;
      lines.push_back(std::move(line));
      continue;
    }
    switch (command.verb) {
      case CommandVerb::kJoin:
      case CommandVerb::kLeave: {
        service::Requester who;
        who.via = "mail";
        who.post_id = post.post.id;
        if (command.verb == CommandVerb::kJoin && !command.argument.empty()) {
          auto address = base::EmailAddress::Parse(command.argument);
          if (!address) {
            line.result = "not done: " + address.error();
            break;
          }
          who.address = *address;
          who.proven = author.address && author.proven && SameAddress(*author.address, *address);
        } else if (author.address) {
          who.address = *author.address;
          who.proven = author.proven;
        } else {
          line.result = "not done: " + author.problem;
          break;
        }
        auto said = Answered(command.verb == CommandVerb::kJoin
                                 ? services_.subscriptions.RequestJoin(post.list, who, now)
                                 : services_.subscriptions.RequestLeave(post.list, who, now));
        if (!said) return said.failure();
        if (said->answer == service::Answer::kThrottled) throttled = true;
        line.result = said->text;
        break;
      }
      case CommandVerb::kConfirm: {
        auto said = ConfirmByToken(services_, post, command.argument, now);
        if (!said) return said.failure();
        line.result = said->text;
        break;
      }
      case CommandVerb::kEnable: {
        if (!author.address) {
          line.result = "not done: " + author.problem;
          break;
        }
        auto said = services_.bounces.RequestEnable(post.list, *author.address, author.proven,
                                                    post.post.id, now);
        if (!said) return said.failure();
        line.result = *said;
        break;
      }
      case CommandVerb::kHelp:
        line.result = "the commands are below";
        with_help = true;
        break;
      case CommandVerb::kEnd:
        line.result = "the rest of the mail was not read";
        break;
      case CommandVerb::kUnknown:
        line.result = "not a command";
        with_help = true;
        break;
    }
    lines.push_back(std::move(line));
  }
  if (mail.truncated) {
    lines.push_back({"(the rest)", "only the first " + std::to_string(kMaxCommandLines) +
                                       " command lines are read"});
  }
  if (lines.empty()) {
    lines.push_back({"(the mail)", "no command found"});
    with_help = true;
  }
  // Past the hourly caps the list sends nothing, this reply included.
  base::Result<bool> replied = false;
  if (!throttled) replied = SendReply(services_, post, recorded, lines, with_help, now);
  if (!replied) return replied.failure();
  auto outcome = services_.outcomes.Record(
      post,
      std::to_string(mail.commands.size()) + " commands" + (*replied ? ", answered" : ", no reply"),
      "command.processed");
  if (!outcome) return outcome;
  base::Status committed = transaction.Commit();
  if (!committed) return committed.failure();
  return outcome;
}

}  // namespace listd::inbound
