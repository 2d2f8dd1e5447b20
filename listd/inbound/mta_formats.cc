// MTA formats (mta_formats.h says what and why).
//
// One scanner serves every format: a format differs in the words that
// open the list of failed addresses (a trigger) and in how the addresses
// are laid out after it, and those layouts are few: the address on the
// trigger line itself, on the lines just after it (alone, indented,
// quoted, in angle brackets), or at the start of a line followed by a
// colon (qmail, Postfix, Yahoo, Courier). The recogniser named is the
// format whose signature the text carries, or "simple".
#include "listd/inbound/mta_formats.h"

#include <vector>

#include "base/ascii.h"
#include "listd/inbound/bounce_recipients.h"
#include "listd/inbound/dsn_parser.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

constexpr size_t kMaxLines = 5000;
constexpr size_t kWindow = 8;  // lines after a trigger that may hold its addresses

struct Signature {
  std::string_view phrase;  // lower-case
  std::string_view recogniser;
};

// The wording that names a format (the first that appears wins).
constexpr Signature kSignatures[] = {
    {"this is the qmail-send program", "qmail"},
    {"this is the postfix program", "postfix"},
    {"this is the mail system at host", "postfix"},
    {"created automatically by mail delivery software", "exim"},
    {"the following addresses had permanent fatal errors", "sendmail"},
    {"the following addresses had transient non-fatal errors", "sendmail"},
    {"----- transcript of session follows -----", "sendmail"},
    {"this is the courier mail server", "courier"},
    {"your message to the following recipients cannot be delivered", "courier"},
    {"this is the mailer-daemon, please do not reply", "opensmtpd"},
    {"delivery has failed to these recipients or groups", "exchange"},
    {"did not reach the following recipient", "exchange"},
    {"could not be reached", "exchange"},
    {"couldn't be delivered", "exchange"},
    {"delivery to the following recipient failed permanently", "gmail"},
    {"delivery to the following recipient has been delayed", "gmail"},
    {"wasn't delivered to", "gmail"},
    {"unable to deliver your message to the following address", "yahoo"},
    {"message from yahoo.com", "yahoo"},
    {"an error occurred while trying to deliver the mail to the following recipients", "ses"},
    {"amazon ses", "ses"},
    {"google groups", "google-groups"},
};

// Words that open (or are on) the lines naming failed addresses.
constexpr std::string_view kTriggers[] = {
    "following address",
    "following recipient",
    "the following destination",
    "following e-mail address",
    "failed:",
    "could not be delivered to",
    "cannot be delivered to",
    "could not deliver",
    "unable to deliver",
    "undeliverable to",
    "not delivered to",
    "wasn't delivered to",
    "couldn't be delivered",
    "delivery failed",
    "delivery to the following",
    "delivery has failed",
    "did not receive a copy",
    "did not reach",
    "could not be reached",
    "fatal errors",
    "non-fatal errors",
    "permanent error",
    "permanent failure",
    "list of recipients",
    "not yet been delivered",
    "user unknown",
    "unknown user",
    "no such user",
    "no such mailbox",
    "unknown recipient",
    "invalid recipient",
    "recipient unknown",
    "does not exist",
    "mailbox unavailable",
    "mailbox not found",
    "is not a valid",
    "address rejected",
    "recipient rejected",
    "account is disabled",
    "account has been disabled",
    "mailbox is full",
    "over quota",
    "not recognized",
    "addressee unknown",
    "bad destination",
    "unrouteable",
    "no mailbox",
    "failed addresses",
    "failed recipient",
    "intended recipient",
    "undeliverable address",
    "invalid final delivery",
    "quota",
    "error-for:",
    "originally addressed to",
    "your message to",
    "your mail to",
    "addressed to",
    "local mailbox",
    "user not found",
    "delivery of email to this address",
    "your message was addressed",
};

// Lines that begin the returned copy of the list's mail: nothing after
// them is the bounce's own words.
constexpr std::string_view kCopyMarkers[] = {
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follow",
    "lines of your original message",
    "original message as received",
    "----- original message -----",
    "-----original message-----",
    "----- message header follows -----",
    "----- unsent message follows -----",
    "------ received message",
    "header of the source mail",
    "the header of the original message",
    "message text follows",
    "---- start of returned message",
    "----- returned message",
    "original message header",
    "undelivered message headers",
    "enclosed is a copy of your message",
    "your original message is included below",
};

// Phrases of a delay (the mail will be retried) and of a final failure.
constexpr std::string_view kDelayPhrases[] = {"has not yet been delivered",
                                              "not yet been delivered",
                                              "will continue trying",
                                              "continue to try",
                                              "continue to attempt",
                                              "has been postponed",
                                              "will be retried",
                                              "will keep trying",
                                              "still trying",
                                              "delivery attempts will continue",
                                              "transient non-fatal errors",
                                              "has been delayed",
                                              "message delayed",
                                              "is delayed",
                                              "delivery delayed",
                                              "warning: message",
                                              "this is a warning",
                                              "will retry",
                                              "still undelivered",
                                              "no action is required on your part",
                                              "temporary problem delivering"};
constexpr std::string_view kFinalPhrases[] = {"permanent",
                                              "given up",
                                              "gave up",
                                              "not going to try again",
                                              "failed permanently",
                                              "fatal error",
                                              "will not be retried",
                                              "too long"};

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

bool IsTrigger(const std::string& lower) {
  for (std::string_view trigger : kTriggers) {
    if (Contains(lower, trigger)) return true;
  }
  return false;
}

// A success line that says no failure on the same line ("was delivered to
// the server but could not be delivered to X" is a failure's trigger).
bool IsSuccessLine(const std::string& lower) {
  for (std::string_view failure :
       {"fail", "not ", "n't", "could", "unable", "undeliver", "reject"}) {
    if (Contains(lower, failure)) return false;
  }
  for (std::string_view phrase : kDeliveredPhrases) {
    if (Contains(lower, phrase)) return true;
  }
  return false;
}

// Whether the phrase at `at` in `all` is said in a condition ("you'll be
// notified if the delivery fails permanently"): an "if" earlier in its
// sentence.
bool InCondition(const std::string& all, size_t at) {
  const size_t sentence = all.find_last_of(".\n!?", at == 0 ? 0 : at - 1);
  const size_t start = sentence == std::string::npos ? 0 : sentence + 1;
  const std::string_view before = std::string_view(all).substr(start, at - start);
  return before.rfind("if ", 0) == 0 || before.find(" if ") != std::string_view::npos ||
         before.find("unless ") != std::string_view::npos;
}

// Whether `all` holds `phrase` anywhere not in a condition.
bool SaysFinal(const std::string& all, std::string_view phrase) {
  for (size_t at = all.find(phrase); at != std::string::npos; at = all.find(phrase, at + 1)) {
    if (!InCondition(all, at)) return true;
  }
  return false;
}

bool IsCopyMarker(const std::string& lower) {
  for (std::string_view marker : kCopyMarkers) {
    if (Contains(lower, marker)) return true;
  }
  return false;
}

bool IsAddressChar(char c) {
  return c > ' ' && c < 0x7F && c != '<' && c != '>' && c != '(' && c != ')' && c != '[' &&
         c != ']' && c != ',' && c != ';' && c != '"' && c != '\'' && c != '=' && c != ':';
}

// Every run of address characters with an '@' in `line`, in order.
std::vector<std::string> AddressesIn(std::string_view line) {
  std::vector<std::string> found;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !IsAddressChar(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && IsAddressChar(line[i])) ++i;
    std::string_view token = line.substr(start, i - start);
    while (!token.empty() && (token.back() == '.' || token.back() == '!' || token.back() == '?')) {
      token.remove_suffix(1);
    }
    while (!token.empty() && token.front() == '.') token.remove_prefix(1);
    const size_t at = token.find('@');
    // "... not accepting mail from x@y": the sender, not a recipient.
    const std::string before =
        base::LowerAscii(line.substr(start >= 6 ? start - 6 : 0, start >= 6 ? 6 : start));
    const bool after_from = before.find("from") != std::string::npos;
    if (!after_from && at != std::string_view::npos && at > 0 && at + 1 < token.size() &&
        token.find('@', at + 1) == std::string_view::npos) {
      found.emplace_back(token);
    }
  }
  return found;
}

// Whether an address is the reporting system's own, not a recipient.
bool IsSystemAddress(std::string_view address) {
  const std::string lower = base::LowerAscii(address.substr(0, address.find('@')));
  return lower == "postmaster" || lower == "mailer-daemon" || lower == "mailer_daemon" ||
         lower == "abuse" || lower == "root" || lower == "noreply" || lower == "no-reply";
}

// Whether the trimmed line opens with an address: alone, in angle
// brackets, quoted, after a quote mark or "SMTP=" (Exchange's X.400 form).
bool StartsWithAddress(std::string_view line) {
  std::string_view text = TrimBlanks(line);
  while (!text.empty() && (text.front() == '>' || text.front() == '<' || text.front() == '"' ||
                           text.front() == '\'' || text.front() == ' ' || text.front() == '\t' ||
                           text.front() == '*' || text.front() == '-')) {
    text.remove_prefix(1);
  }
  size_t end = 0;
  while (end < text.size() && IsAddressChar(text[end])) ++end;
  const std::string_view first = text.substr(0, end);
  if (first.find('@') != std::string_view::npos) return true;
  return base::LowerAscii(text).find("smtp=") != std::string::npos;
}

// A line that is only a plausible local part ("screenname"): letters,
// digits, dots, underscores and hyphens, starting with a letter or digit.
bool IsBareLocalPart(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(text.front())) return false;
  for (char c : text) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// "<addr>:" or "addr:" at the start of a line (qmail, Postfix, Yahoo,
// Courier): the address, or "".
std::string ColonLeadAddress(std::string_view line) {
  if (line.empty() || line.front() == ' ' || line.front() == '\t') return {};
  size_t end = line.find(':');
  if (end == std::string_view::npos) return {};
  std::string_view head = TrimBlanks(line.substr(0, end));
  if (head.size() > 2 && head.front() == '<' && head.back() == '>') {
    head = head.substr(1, head.size() - 2);
  }
  if (head.find('@') == std::string_view::npos || head.find(' ') != std::string_view::npos) {
    return {};
  }
  return std::string(head);
}

// The SMTP reply and status a diagnostic gives, e.g. "550 5.1.1".
std::string StatusIn(std::string_view text) { return FindStatusCode(text); }

// A three-digit SMTP reply code 4xx/5xx in `text` (RFC 5321 section 4.2),
// or "".
std::string ReplyCodeIn(std::string_view text) {
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    if ((text[i] != '4' && text[i] != '5') || (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))
      continue;
    if (text[i + 1] < '0' || text[i + 1] > '5' || text[i + 2] < '0' || text[i + 2] > '9') continue;
    if (i + 3 < text.size() && text[i + 3] != ' ' && text[i + 3] != '-') continue;
    return std::string(text.substr(i, 3));
  }
  return {};
}

// The first RFC 3463 status of class 4 or 5 in `text`, or "".
std::string FailureStatusIn(std::string_view text) {
  for (size_t i = 0; i + 5 <= text.size(); ++i) {
    if (text[i] != '4' && text[i] != '5') continue;
    if (i > 0 && ((text[i - 1] >= '0' && text[i - 1] <= '9') || text[i - 1] == '.')) continue;
    if (auto status = StatusCodeAt(text.substr(i))) return *status;
  }
  return {};
}

class Scanner {
 public:
  Scanner(BounceReport& report, bool temporary) : report_(report), temporary_(temporary) {}

  // Adds `address` with `diagnostic`; false for a system address.
  bool Add(std::string_view address, std::string_view diagnostic) {
    if (IsSystemAddress(address)) return false;
    BounceRecipient recipient;
    recipient.failure_class = temporary_ ? FailureClass::kTemporary : FailureClass::kPermanent;
    recipient.action = temporary_ ? "delayed" : "failed";
    recipient.diagnostic = std::string(diagnostic);
    recipient.status = StatusIn(diagnostic);
    if (!recipient.status.empty() && recipient.status[0] == '2') {
      // RFC 3463 section 3.1: class 2 is success ("250 2.0.0 Ok"), unless
      // a failure's reply code follows it.
      const std::string code = ReplyCodeIn(diagnostic);
      if (code.empty()) return true;
      recipient.status = FailureStatusIn(diagnostic);
      if (recipient.status.empty()) recipient.status = std::string(1, code[0]) + ".0.0";
    }
    if (recipient.status.empty()) {
      const std::string code = ReplyCodeIn(diagnostic);
      // RFC 3463 section 3.1 classes from the SMTP reply's first digit.
      if (!code.empty()) recipient.status = std::string(1, code[0]) + ".0.0";
    }
    if (!recipient.status.empty() && recipient.status[0] == '4') {
      recipient.failure_class = FailureClass::kTemporary;
      recipient.action = "delayed";
    }
    recipient.recogniser = recogniser_;
    if (AddBounceRecipient(report_, address, std::move(recipient))) ++added_;
    return true;
  }

  void SetRecogniser(std::string name) { recogniser_ = std::move(name); }
  size_t added() const { return added_; }

 private:
  BounceReport& report_;
  bool temporary_;
  std::string recogniser_;
  size_t added_ = 0;
};

// The diagnostic for the address on line `i`: the rest of its line, or
// the next non-blank line.
std::string DiagnosticAt(const std::vector<std::string_view>& lines, size_t i) {
  std::string text(TrimBlanks(lines[i]));
  for (size_t j = i + 1; j < lines.size() && j <= i + 3; ++j) {
    const std::string_view next = TrimBlanks(lines[j]);
    if (next.empty()) break;
    if (text.size() > 200) break;
    text += ' ';
    text += next;
  }
  return text;
}

// The lines of `text` before the returned copy, and each lower-cased
// with one blank per run of blanks.
void ReadLines(std::string_view text, std::vector<std::string_view>& lines,
               std::vector<std::string>& lower_lines) {
  size_t pos = 0;
  while (pos < text.size() && lines.size() < kMaxLines) {
    const size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string lower;
    for (char c : line) {
      const char low = base::LowerAscii(c == '\t' ? ' ' : c);
      if (low == ' ' && !lower.empty() && lower.back() == ' ') continue;  // one blank per run
      lower += low;
    }
    if (IsCopyMarker(lower)) break;
    // A returned header block at the start of a line ends the words too.
    if (lower.rfind("received: from", 0) == 0 || lower.rfind("return-path:", 0) == 0 ||
        lower.rfind("> received: from", 0) == 0) {
      break;
    }
    lines.push_back(line);
    lower_lines.push_back(std::move(lower));
  }
}

// The local part of `address`, lower-cased.
std::string LocalPartOf(std::string_view address) {
  return base::LowerAscii(address.substr(0, address.rfind('@')));
}

// Google Groups' refusal of a post (see the header): adds the group's
// address; false when the text is no such refusal.
bool ReadGoogleGroups(const std::vector<std::string_view>& lines, const MtaContext& context,
                      Scanner& scanner, BounceReport& report) {
  std::string flat;  // the lines joined by blanks, original case
  for (std::string_view line : lines) {
    flat += line;
    flat += ' ';
  }
  const std::string lower = base::LowerAscii(flat);  // same offsets as `flat`
  constexpr std::string_view kOpen = "group you tried to contact (";
  const size_t open = lower.find(kOpen);
  if (open == std::string::npos) return false;
  if (!Contains(lower, "may not exist") && !Contains(lower, "permission to post")) return false;
  const size_t name_start = open + kOpen.size();
  const size_t close = lower.find(')', name_start);
  if (close == std::string::npos || close - name_start > 320) return false;
  const std::string name(TrimBlanks(std::string_view(flat).substr(name_start, close - name_start)));
  const size_t sentence_end = lower.find('.', close);
  const std::string diagnostic =
      flat.substr(open, (sentence_end == std::string::npos ? close + 1 : sentence_end + 1) - open);
  if (name.find('@') != std::string::npos) {
    scanner.Add(name, diagnostic);
    return true;
  }
  // A bare group name: the address with that local part the bounce gives
  // elsewhere, else Google Groups' own domain when Google Groups sent it.
  std::vector<std::string> candidates = context.failed_recipients;
  for (std::string& address : AddressesIn(flat)) candidates.push_back(std::move(address));
  const std::string wanted = base::LowerAscii(name);
  for (const std::string& candidate : candidates) {
    if (LocalPartOf(candidate) == wanted && !IsSystemAddress(candidate)) {
      scanner.Add(candidate, diagnostic);
      return true;
    }
  }
  if (context.sender_domain == "googlegroups.com") {
    scanner.Add(name + "@googlegroups.com", diagnostic);
    return true;
  }
  if (report.refused.size() < 20) {
    report.refused.push_back(SafeLine(name, 100) +
                             ": Google Groups names the group without its domain");
  }
  report.reason = "Google Groups refused the post to the group \"" + SafeLine(name, 100) +
                  "\" and gives no domain for it";
  return true;
}

}  // namespace

std::string BounceWords(std::string_view text) {
  std::vector<std::string_view> lines;
  std::vector<std::string> lower_lines;
  ReadLines(text, lines, lower_lines);
  std::string words;
  for (const std::string& lower : lower_lines) {
    const std::string_view line = TrimBlanks(lower);
    if (line.empty()) continue;
    if (!words.empty()) words += ' ';
    words += line;
  }
  return words;
}

bool HasFailureCode(std::string_view words) {
  return !ReplyCodeIn(words).empty() || !FailureStatusIn(words).empty();
}

std::string ParseMtaText(std::string_view text, const MtaContext& context, BounceReport& report) {
  // The bounce's own words: the lines before the returned copy.
  std::vector<std::string_view> lines;
  std::vector<std::string> lower_lines;
  ReadLines(text, lines, lower_lines);
  const std::string_view subject = context.subject;
  const std::string_view reporting_domain = context.reporting_domain;
  std::string all;
  for (const std::string& lower : lower_lines) {
    all += lower;
    all += '\n';
  }
  all += base::LowerAscii(subject);

  std::string recogniser;
  for (const Signature& signature : kSignatures) {
    if (Contains(all, signature.phrase)) {
      recogniser = std::string(signature.recogniser);
      break;
    }
  }
  bool delay = false;
  for (std::string_view phrase : kDelayPhrases) delay = delay || Contains(all, phrase);
  bool final_words = false;
  for (std::string_view phrase : kFinalPhrases) final_words = final_words || SaysFinal(all, phrase);
  Scanner scanner(report, delay && !final_words);
  scanner.SetRecogniser(recogniser.empty() ? "simple" : recogniser);

  const size_t first_new = report.recipients.size();
  if (ReadGoogleGroups(lines, context, scanner, report)) {
    recogniser = "google-groups";
    scanner.SetRecogniser(recogniser);
  }
  size_t last_added_line = static_cast<size_t>(-2);  // the line the last addresses came from
  size_t before_last_add = 0;                        // how many recipients there were before
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& lower = lower_lines[i];
    // "<addr>: reason" at the start of a line.
    if (std::string lead = ColonLeadAddress(lines[i]); !lead.empty()) {
      scanner.Add(lead, DiagnosticAt(lines, i));
      continue;
    }
    if (IsSuccessLine(lower) || !IsTrigger(lower)) continue;
    // The trigger line's own addresses first, then the lines that follow
    // and open with an address, until a line that opens a new section.
    bool found = false;
    for (const std::string& address : AddressesIn(lines[i])) {
      found = scanner.Add(address, DiagnosticAt(lines, i)) || found;
    }
    size_t j = i + 1;
    for (; j < lines.size() && j <= i + kWindow; ++j) {
      const std::string_view line = lines[j];
      if (TrimBlanks(line).empty()) continue;
      const std::string& next_lower = lower_lines[j];
      if (Contains(next_lower, "expanded from") || Contains(next_lower, "generated from")) {
        // Sendmail's "(expanded from: X)", Exim's "(generated from X)": the
        // line before named the alias's target; the list sent to X.
        const size_t word = next_lower.find("from");
        const std::vector<std::string> expanded = AddressesIn(line.substr(word + 4));
        if (!expanded.empty()) {
          if (last_added_line + 1 == j && report.recipients.size() > before_last_add) {
            report.recipients.resize(before_last_add);
          }
          scanner.Add(expanded.front(), DiagnosticAt(lines, j));
          found = true;
        }
        continue;
      }
      if (Contains(next_lower, "-----") || Contains(next_lower, "transcript") ||
          IsSuccessLine(next_lower)) {
        break;
      }
      if (!StartsWithAddress(line)) {
        if (!reporting_domain.empty() && (line.front() == ' ' || line.front() == '\t') &&
            IsBareLocalPart(TrimBlanks(line))) {
          // AOL names its own users without the domain, on an indented line.
          found = scanner.Add(std::string(TrimBlanks(line)) + "@" + std::string(reporting_domain),
                              DiagnosticAt(lines, i)) ||
                  found;
          continue;
        }
        if (found) break;
        continue;
      }
      before_last_add = report.recipients.size();
      last_added_line = j;
      for (const std::string& address : AddressesIn(line)) {
        // An address alone on its line is explained by the trigger line.
        std::string diagnostic = DiagnosticAt(lines, j);
        if (diagnostic.size() <= address.size() + 4) diagnostic = DiagnosticAt(lines, i);
        found = scanner.Add(address, diagnostic) || found;
      }
    }
  }
  if (scanner.added() == 0) return {};
  // A code given once for the whole bounce (Office 365's "Remote Server
  // returned '550 5.1.10 ...'" lines below the address) belongs to the
  // recipients that have none, when its class agrees with theirs.
  const std::string overall = FindStatusCode(all);
  if (!overall.empty()) {
    for (size_t i = first_new; i < report.recipients.size(); ++i) {
      BounceRecipient& recipient = report.recipients[i];
      const bool agrees =
          (overall[0] == '5') == (recipient.failure_class == FailureClass::kPermanent);
      if (recipient.status.empty() && agrees) recipient.status = overall;
    }
  }
  return recogniser.empty() ? "simple" : recogniser;
}

}  // namespace listd::inbound
