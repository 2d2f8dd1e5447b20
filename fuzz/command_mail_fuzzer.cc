// Fuzz target: the parsers of mail to a list's command addresses
// (listd/inbound/command_parser.h, moderation_reply.h, answer_guard.h),
// which read whatever anyone sends to -request, -join, -leave and
// -confirm+TOKEN. Beyond not crashing: never more than kMaxCommandLines
// commands; every quoted line short and free of control bytes (it goes
// into a reply); a join's address, when taken, parses and holds no CR,
// LF or quote; a confirm's token is one the token check would take; a
// reject's reason is one bounded line; the null return path is never
// answered.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/email_address.h"
#include "fuzz_input.h"
#include "listd/inbound/answer_guard.h"
#include "listd/inbound/command_parser.h"
#include "listd/inbound/moderation_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  namespace inbound = listd::inbound;
  const std::string_view message = listd_fuzz::Text(data, size);

  const inbound::CommandMail mail = inbound::ParseCommandMail(message);
  Check(mail.commands.size() <= inbound::kMaxCommandLines, "at most 10 commands");
  for (const inbound::Command& command : mail.commands) {
    Check(command.line.size() <= inbound::kMaxQuotedLine + 3, "a quoted line is short");
    Check(!listd_fuzz::HasControl(command.line), "a quoted line has no control bytes");
    if (!command.problem.empty()) {
      Check(command.argument.empty(), "a refused command carries no argument");
      continue;
    }
    if (command.verb == inbound::CommandVerb::kJoin && !command.argument.empty()) {
      Check(base::EmailAddress::Parse(command.argument).ok(), "a join's address parses");
      Check(command.argument.find_first_of("\r\n\"<>") == std::string::npos,
            "a join's address cannot reach a header");
    }
    if (command.verb == inbound::CommandVerb::kConfirm) {
      Check(inbound::IsValidToken(command.argument), "a confirm's token is well formed");
    }
  }

  const inbound::ModerationReply reply = inbound::ParseModerationReply(message);
  Check(reply.reason.size() <= inbound::kMaxReasonBytes + 3, "a reason is bounded");
  Check(!listd_fuzz::HasControl(reply.reason), "a reason is one line");
  if (reply.verb != inbound::ModerationVerb::kReject)
    Check(reply.reason.empty(), "only reject has a reason");

  inbound::AnswerGuardInput guard;
  guard.message = message;
  guard.envelope_from = "";
  guard.list_local_part = "demo";
  guard.list_domain = "lists.example.org";
  guard.list_id = "demo.lists.example.org";
  Check(!inbound::MayAnswer(guard).may_answer, "the null return path is never answered");
  guard.envelope_from = "jane@example.org";
  const inbound::AnswerVerdict verdict = inbound::MayAnswer(guard);
  Check(verdict.may_answer == verdict.reason.empty(), "a refusal says why");
  return 0;
}
