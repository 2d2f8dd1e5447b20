// Command mail: the commands a person sends to a list's -request address,
// read from the Subject and the first text lines of the body. Pure: bytes
// in, findings out; the command handler obeys them and answers each.
//
// THE COMMANDS (verbs in any case; one per line)
//   join | subscribe [address=ADDR]   join the list (ADDR: someone else,
//                                     whom the confirmation then asks)
//   leave | unsubscribe               leave; always for the sender, so an
//                                     address= is refused with a problem
//   confirm TOKEN                     confirm a pending request
//   help                              ask for the help text
//   end                               stop reading (itself a command)
// Words after help and end are ignored; any other extra word makes the
// line a problem (it cannot be obeyed as written), never a guess.
//
// WHAT IS READ, in order
//   1. The Subject, RFC 2047 decoded, "Re:", "Fwd:", "Fw:", "AW:" taken off
//      (repeated): a command when its first word is a verb and the rest
//      reads as that verb's arguments (help: anything; end: nothing; join
//      and leave: nothing, or address= next; confirm: at most one word,
//      the token). Anything else there ("Join us for lunch", "End of term",
//      "Confirm your subscription to demo") is a person's subject line and
//      ignored, never an unknown command.
//   2. The body's text (FirstTextOf: the first text/plain part, else the
//      text of the first text/html part), line by line: blank lines are
//      skipped; reading stops at a signature separator ("-- " or "--"),
//      Outlook's "-----Original Message-----" or underscore line, the first
//      quoted line ('>'), and an attribution line ("On ... wrote:") that
//      opens a quote. Every other line is a command line; one whose first
//      word is no verb is kUnknown, reported with its line.
//   At most kMaxCommandLines commands in all; a command line beyond them
//   sets truncated and is not read, nor is anything after it.
//
// STANDARDS
//   RFC 2369 section 3.1 (List-Help and the -request convention of command
//   mail), RFC 2047 (encoded words in the Subject), RFC 3676 section 4.3
//   (the signature separator) and 4.5 (quote marks), RFC 5322 section
//   3.4.1 (addr-spec: ADDR is checked by base::EmailAddress::Parse), RFC
//   4648 section 5 (base64url, the alphabet of tokens).
//
// LIMITS
//   Lines of at most kMaxTextBytes of text are looked at (FirstTextOf's
//   cut); Command::line keeps at most kMaxQuotedLine bytes. Tokens are
//   16..128 base64url characters. ADDR must be dot-atom@domain without
//   quotes, angle brackets, CR, LF or any control byte (a quoted local
//   part cannot be given here). Multi-line commands do not exist.
#ifndef LISTD_LISTD_INBOUND_COMMAND_PARSER_H_
#define LISTD_LISTD_INBOUND_COMMAND_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace listd::inbound {

enum class CommandVerb { kJoin, kLeave, kConfirm, kEnable, kHelp, kEnd, kUnknown };

// "join", "leave", "confirm", "enable", "help", "end", "unknown".
std::string_view ToString(CommandVerb verb);

struct Command {
  CommandVerb verb = CommandVerb::kUnknown;
  std::string line;      // the line as read, made safe to quote in a reply: control bytes removed,
                         // at most 200 bytes (cut with "...")
  std::string argument;  // kConfirm: the token; kJoin: the address= value, or ""
  std::string problem;   // non-empty: why the line cannot be obeyed ("confirm needs a token",
                         // "address= is not a valid address")
};

struct CommandMail {
  std::vector<Command> commands;  // in order: the Subject first when it holds one, then body
                                  // lines; never more than kMaxCommandLines
  bool truncated = false;         // there were more command lines than the limit; the rest were
                                  // not read
  std::string problem;            // "" or why no command could be read at all
};

inline constexpr size_t kMaxCommandLines = 10;
inline constexpr size_t kMaxQuotedLine = 200;
inline constexpr size_t kMinTokenLength = 16;
inline constexpr size_t kMaxTokenLength = 128;

// The commands of a mail to -request (see WHAT IS READ above).
CommandMail ParseCommandMail(std::string_view message);

// One command line (the Subject with its prefixes off, or a body line).
// Exposed for tests and for callers that read a command elsewhere.
Command ParseCommandLine(std::string_view line);

// Whether `token` is 16..128 characters of [A-Za-z0-9_-] (RFC 4648 §5).
bool IsValidToken(std::string_view token);

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_COMMAND_PARSER_H_
