// Command mail (command_parser.h says what is read and why; STANDARDS and
// LIMITS are there).
#include "listd/inbound/command_parser.h"

#include <algorithm>
#include <optional>

#include "base/ascii.h"
#include "base/email_address.h"
#include "listd/inbound/mail_text.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

// The words of a line, split at spaces, tabs and no-break spaces only: a
// CR, LF or other control byte stays inside its word, where the checks on
// addresses and tokens see it.
std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < line.size(); ++i) {
    const bool nbsp = line[i] == '\xC2' && i + 1 < line.size() && line[i + 1] == '\xA0';
    if (line[i] == ' ' || line[i] == '\t' || nbsp) {
      if (nbsp) ++i;
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += line[i];
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

CommandVerb VerbOf(std::string_view word) {
  const std::string verb = base::LowerAscii(word);
  if (verb == "join" || verb == "subscribe") return CommandVerb::kJoin;
  if (verb == "leave" || verb == "unsubscribe") return CommandVerb::kLeave;
  if (verb == "confirm") return CommandVerb::kConfirm;
  if (verb == "enable") return CommandVerb::kEnable;
  if (verb == "help") return CommandVerb::kHelp;
  if (verb == "end") return CommandVerb::kEnd;
  return CommandVerb::kUnknown;
}

constexpr std::string_view kAddressKey = "address=";

bool IsAddressWord(std::string_view word) {
  return word.size() >= kAddressKey.size() &&
         base::LowerAscii(word.substr(0, kAddressKey.size())) == kAddressKey;
}

// Bytes that have no place in an address a reply or a confirmation is
// sent to: they could end a header line or open a quoted or angle form
// that the rest of listd would read differently. (An apostrophe is atext,
// RFC 5322 section 3.2.3: o'brien@example.org is an address.)
bool HasForbiddenByte(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>') return true;
  }
  return false;
}

// The join command's address= value, or the problem with it.
void ReadJoinAddress(std::string_view value, Command& command) {
  if (value.empty()) {
    command.problem = "address= needs an address after the '='";
    return;
  }
  if (HasForbiddenByte(value)) {
    command.problem =
        "address= is not a valid address: it holds quotes, angle brackets or control characters";
    return;
  }
  base::Result<base::EmailAddress> address = base::EmailAddress::Parse(value);
  if (!address.ok()) {
    command.problem = SafeLine("address= is not a valid address: " + address.error(), 300);
    return;
  }
  command.argument = address->ToString();
}

void ReadArguments(const std::vector<std::string>& words, Command& command) {
  switch (command.verb) {
    case CommandVerb::kJoin: {
      bool have_address = false;
      for (size_t i = 1; i < words.size(); ++i) {
        if (!IsAddressWord(words[i])) {
          command.problem = "join takes no words but address=ADDR";
          return;
        }
        if (have_address) {
          command.problem = "address= is given more than once";
          return;
        }
        have_address = true;
        ReadJoinAddress(std::string_view(words[i]).substr(kAddressKey.size()), command);
        if (!command.problem.empty()) return;
      }
      return;
    }
    case CommandVerb::kLeave:
      if (words.size() < 2) return;
      command.problem = std::any_of(words.begin() + 1, words.end(), IsAddressWord)
                            ? "leave takes no address: only the member's own address can leave"
                            : "leave takes no words";
      return;
    case CommandVerb::kConfirm:
      if (words.size() < 2) {
        command.problem = "confirm needs a token";
      } else if (words.size() > 2) {
        command.problem = "confirm takes one token and nothing after it";
      } else if (!IsValidToken(words[1])) {
        command.problem =
            "the token is not valid: a token is 16 to 128 letters, digits, '-' or '_'";
      } else {
        command.argument = words[1];
      }
      return;
    case CommandVerb::kEnable:
      if (words.size() > 1)
        command.problem = "enable takes no words: it enables the sender's own delivery";
      return;
    case CommandVerb::kHelp:
    case CommandVerb::kEnd:
      return;  // what follows them is ignored: asking for help cannot go wrong
    case CommandVerb::kUnknown:
      command.problem = "unknown command";
      return;
  }
}

// Whether a Subject whose first word is `verb` reads as that command, not
// as a person's subject line that happens to start with the word ("Join us
// for lunch", "End of term", "Confirm your subscription to demo").
bool ReadsAsCommand(const std::vector<std::string>& words, CommandVerb verb) {
  switch (verb) {
    case CommandVerb::kHelp:
      return true;  // "Help with my subscription" asks for help too
    case CommandVerb::kEnd:
      return words.size() == 1;
    case CommandVerb::kJoin:
    case CommandVerb::kLeave:
      // An address= right after the verb makes it a command even when
      // what follows is wrong: that is a problem to report, not a subject.
      return words.size() == 1 || IsAddressWord(words[1]);
    case CommandVerb::kConfirm:
      return words.size() <= 2;
    case CommandVerb::kEnable:
      return words.size() == 1;
    case CommandVerb::kUnknown:
      break;
  }
  return false;
}

}  // namespace

std::string_view ToString(CommandVerb verb) {
  switch (verb) {
    case CommandVerb::kJoin:
      return "join";
    case CommandVerb::kLeave:
      return "leave";
    case CommandVerb::kConfirm:
      return "confirm";
    case CommandVerb::kEnable:
      return "enable";
    case CommandVerb::kHelp:
      return "help";
    case CommandVerb::kEnd:
      return "end";
    case CommandVerb::kUnknown:
      break;
  }
  return "unknown";
}

bool IsValidToken(std::string_view token) {
  if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Command ParseCommandLine(std::string_view line) {
  Command command;
  command.line = SafeLine(line, kMaxQuotedLine);
  const std::vector<std::string> words = Words(line);
  if (words.empty()) {
    command.problem = "unknown command";
    return command;
  }
  command.verb = VerbOf(words[0]);
  ReadArguments(words, command);
  if (!command.problem.empty()) command.argument.clear();  // nothing half-read is obeyed
  return command;
}

CommandMail ParseCommandMail(std::string_view message) {
  CommandMail mail;
  const std::string subject = StripReplyPrefixes(SubjectOf(message));
  const std::vector<std::string> subject_words = Words(subject);
  if (!subject_words.empty()) {
    Command command = ParseCommandLine(subject);
    // A Subject that is no command is a person's subject line, not an
    // unknown command.
    if (command.verb != CommandVerb::kUnknown && ReadsAsCommand(subject_words, command.verb)) {
      const bool end = command.verb == CommandVerb::kEnd;
      mail.commands.push_back(std::move(command));
      if (end) return mail;
    }
  }
  base::Result<std::string> text = FirstTextOf(message);
  if (!text.ok()) {
    if (mail.commands.empty()) mail.problem = "the mail cannot be read: " + text.error();
    return mail;
  }
  LineCursor cursor(*text);
  while (std::optional<std::string_view> line = cursor.Next()) {
    if (TrimBlanks(*line).empty()) continue;
    if (IsSeparator(*line) || IsQuoted(*line) || IsAttribution(*line, cursor)) break;
    if (mail.commands.size() >= kMaxCommandLines) {
      mail.truncated = true;
      break;
    }
    Command command = ParseCommandLine(*line);
    const bool end = command.verb == CommandVerb::kEnd;
    mail.commands.push_back(std::move(command));
    if (end) break;
  }
  if (mail.commands.empty()) {
    mail.problem = "the mail holds no command: none in the Subject, none in the body's first lines";
  }
  return mail;
}

}  // namespace listd::inbound
