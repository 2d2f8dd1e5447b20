// Moderation reply (moderation_reply.h says what decides and why).
#include "listd/inbound/moderation_reply.h"

#include <optional>

#include "base/ascii.h"
#include "listd/inbound/mail_text.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {

std::string_view ToString(ModerationVerb verb) {
  switch (verb) {
    case ModerationVerb::kApprove:
      return "approve";
    case ModerationVerb::kReject:
      return "reject";
    case ModerationVerb::kDiscard:
      return "discard";
    case ModerationVerb::kNone:
      break;
  }
  return "none";
}

ModerationReply ParseModerationLine(std::string_view line) {
  ModerationReply reply;
  const std::string_view trimmed = TrimBlanks(line);
  const size_t blank = trimmed.find_first_of(" \t");
  const std::string word = base::LowerAscii(trimmed.substr(0, blank));
  const std::string_view rest =
      blank == std::string_view::npos ? std::string_view() : TrimBlanks(trimmed.substr(blank));
  if (word == "approve" && rest.empty()) {
    reply.verb = ModerationVerb::kApprove;
  } else if (word == "discard" && rest.empty()) {
    reply.verb = ModerationVerb::kDiscard;
  } else if (word == "reject") {
    reply.verb = ModerationVerb::kReject;
    reply.reason = SafeLine(rest, kMaxReasonBytes);
  }
  return reply;
}

ModerationReply ParseModerationReply(std::string_view message) {
  base::Result<std::string> text = FirstTextOf(message);
  if (!text.ok()) return ModerationReply{};  // what cannot be read decides nothing
  LineCursor cursor(*text);
  while (std::optional<std::string_view> line = cursor.Next()) {
    if (TrimBlanks(*line).empty() || IsQuoted(*line) || IsAttribution(*line, cursor)) continue;
    // A signature first: nothing was written above it, and what follows is
    // the sender's signature, not a decision.
    if (IsSeparator(*line)) return ModerationReply{};
    return ParseModerationLine(*line);
  }
  return ParseModerationLine(StripReplyPrefixes(SubjectOf(message)));
}

}  // namespace listd::inbound
