// list_headers: List-Id and the List-* command URLs.
//
// STANDARDS
//   RFC 2919 §2 (List-Id syntax: phrase and list-label), §3 (label from
//   the list's address); RFC 2369 §3 (List-Help, List-Subscribe,
//   List-Unsubscribe, List-Post, List-Owner, List-Archive as <mailto:>
//   URLs); RFC 5322 §3.2.3-3.2.4 (atoms and quoted strings for the phrase);
//   RFC 2047 §5(3) (an encoded-word for a non-ASCII phrase).
//   RFC 8058 List-Unsubscribe-Post is added when the web form exists.
// LIMITS
//   A non-ASCII list name becomes UTF-8 "Q" encoded-words (EncodeWordsUtf8).
#include "listd/mime/list_headers.h"

#include <string_view>

#include "base/ascii.h"
#include "listd/mime/text_codec.h"

namespace listd::mime {
namespace {

bool IsAtextOrSpace(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
}

std::string Phrase(const std::string& name) {
  if (!IsAscii(name)) return EncodeWordsUtf8(name);
  bool plain = name.front() != ' ' && name.back() != ' ' && name.find("  ") == std::string::npos;
  for (char c : name) plain = plain && IsAtextOrSpace(c);
  if (plain) return name;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Mailto(const ListIdentity& list, std::string_view suffix, std::string_view query = "") {
  return "<mailto:" + list.local_part + std::string(suffix) + "@" + list.domain +
         std::string(query) + ">";
}

}  // namespace

std::vector<std::string> ListHeaderFieldNames() {
  // List-Unsubscribe-Post too, though listd adds none yet: a poster's copy
  // would otherwise go out under the list's signature, which oversigns it
  // (RFC 8058 section 4 asks the signer to cover it), making an
  // attacker's one-click URL look like the list's.
  return {"List-Id",          "List-Post",  "List-Help",    "List-Subscribe",
          "List-Unsubscribe", "List-Unsubscribe-Post", "List-Owner", "List-Archive",
          "Precedence"};
}

std::string ListIdValue(const ListIdentity& list) {
  // RFC 2919 §3: the label is the list's address with "@" turned into ".".
  std::string label = base::LowerAscii(list.local_part + "." + list.domain);
  if (list.name.empty()) return "<" + label + ">";
  return Phrase(list.name) + " <" + label + ">";
}

std::vector<std::pair<std::string, std::string>> ListHeaderFields(const ListIdentity& list) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"List-Id", ListIdValue(list)},
      {"List-Post", Mailto(list, "")},
      {"List-Help", Mailto(list, "-request", "?subject=help")},
      {"List-Subscribe", Mailto(list, "-join")},
      {"List-Unsubscribe", Mailto(list, "-leave")},
      {"List-Owner", Mailto(list, "-owner")},
  };
  if (!list.archive_url.empty()) fields.emplace_back("List-Archive", "<" + list.archive_url + ">");
  fields.emplace_back("Precedence", "list");
  return fields;
}

}  // namespace listd::mime
