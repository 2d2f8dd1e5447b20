// Authentication-Results, RFC 8601 section 2.2: writer, parser, and the
// dkim= results of a verification (RFC 8601 section 2.7.1, RFC 6008).
//
// STANDARDS
//   RFC 8601 section 2.2 (syntax), 2.6 (versions), 2.7.1 (dkim results);
//   RFC 6008 section 4 (header.b); RFC 5322 sections 2.1.1 (line length),
//   2.2.3 (folding), 3.2.2 (CFWS); RFC 2045 section 5.1 (token, tspecials);
//   RFC 5321 section 4.1.2 (Keyword); RFC 6532 (UTF-8 in quoted-strings).
//
// WRITING
//   Lines are folded before a resinfo, a property or a word of a comment when
//   the line would pass 78 characters; a single piece longer than that stays
//   whole (a token is never split). A field that does not fit on one line
//   also puts each resinfo at the start of a line. A structural fold is
//   CRLF TAB; a fold inside a comment is CRLF SP, so unfolding gives back the
//   same text. Our
//   reason is written as a comment "(body hash mismatch)", not as reason=:
//   unmatched parentheses in it become brackets, backslashes are escaped,
//   control characters become spaces and non-ASCII bytes are dropped, so no
//   reason can end the comment or the field early. Values that are not RFC 2045 tokens (or, for
//   properties, [local-part] "@" domain-name) are written as quoted-strings.
//   Names are expected to be Keywords; other characters in them are dropped so
//   that the field stays well-formed whatever the caller passes.
//
// PARSING
//   The full ABNF of section 2.2, with comments (nested, with quoted-pairs)
//   and folding wherever CFWS may stand. Method, result, ptype and property
//   are Keywords and compare case-insensitively, so they are stored
//   lower-cased; unknown ones are kept. authserv-id and values keep their
//   case; quoted-strings are unquoted and unfolded. Comments are skipped: a
//   comment after the result is NOT a reason, only reason= fills
//   AuthResult::reason, so a field we wrote parses back with an empty reason.
//   Deliberate leniencies, because such fields occur in the wild: an unquoted
//   property value may contain "/", "=", "?" (base64 in header.b) and ":"
//   (IPv6 addresses), and bytes above 0x7F are accepted in tokens (RFC 6532
//   style identifiers). Everything else outside the ABNF is an error.
//   A quoted local-part ("a b"@example.com) is stored unquoted (a b@example.com).
//
// LIMITS
//   authres-version and method-version: at most 9 digits.
#include "dkim/auth_results.h"
#include "base/ascii.h"
#include "base/email_address.h"
#include "dkim/message.h"

#include <algorithm>
#include <cstddef>

namespace dkim {
namespace {

constexpr size_t kMaxLineLength = 78;    // RFC 5322 section 2.1.1, CRLF excluded
constexpr size_t kMinHeaderBLength = 8;  // RFC 6008 section 4
constexpr size_t kMaxVersionDigits = 9;  // fits an int

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsFwsChar(char c) { return IsWsp(c) || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// RFC 2045 section 5.1.
bool IsTspecial(char c) {
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}
// A US-ASCII token character: printable, not a space, not a tspecial.
bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && !IsTspecial(c);
}
// RFC 5322 section 3.2.3.
// RFC 5321 section 4.1.2 Ldh-str characters.
bool IsKeywordChar(char c) { return IsAlnum(c) || c == '-'; }

// ---------------------------------------------------------------------------
// Writing.

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// domain-name of RFC 6376 section 3.5: sub-domains of Let-dig [Ldh-str].
bool IsDomainName(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), IsKeywordChar)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// pvalue without quoting: a token, or [local-part] "@" domain-name.
bool IsBarePvalue(std::string_view s) {
  if (IsToken(s)) return true;
  size_t at = s.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at);
  return (local.empty() || base::IsDotAtom(local)) && IsDomainName(s.substr(at + 1));
}

// A quoted-string (RFC 5322 section 3.2.4, UTF-8 allowed by RFC 6532).
// Control characters other than TAB cannot appear in one, even escaped, so
// they are dropped.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t' || !IsControl(c)) {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string FormatValue(std::string_view s) { return IsToken(s) ? std::string(s) : Quote(s); }
std::string FormatPvalue(std::string_view s) { return IsBarePvalue(s) ? std::string(s) : Quote(s); }

// Keeps Keyword characters (and, for "ptype.property", dots) only.
std::string SanitizeName(std::string_view s, bool allow_dot) {
  std::string out;
  for (char c : s) {
    if (IsKeywordChar(c) || (allow_dot && c == '.')) out += c;
  }
  return out;
}

// The words of "(reason)", each a separate fold point. Matched parentheses
// stay (they nest as comments do); unmatched ones become brackets rather
// than quoted-pairs, because some parsers (Mail::AuthenticationResults) fail
// on "\)". Backslashes become quoted-pairs; CR, LF and other controls become
// spaces; non-ASCII bytes are dropped (comments here stay US-ASCII).
std::vector<std::string> CommentWords(std::string_view reason) {
  std::string text;
  std::vector<size_t> open;  // indexes in text of '(' not yet matched
  for (char c : reason) {
    if (IsNonAscii(c)) continue;
    if (IsControl(c)) c = ' ';
    if (c == '(') {
      open.push_back(text.size());
    } else if (c == ')') {
      if (open.empty()) {
        c = ']';
      } else {
        open.pop_back();
      }
    }
    text += c;
  }
  for (size_t i : open) text[i] = '[';

  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    if (c == '\\') word += '\\';
    word += c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  if (!words.empty()) {
    words.front().insert(0, "(");
    words.back() += ')';
  }
  return words;
}

// An unbreakable piece of the field and the whitespace that precedes it.
struct Piece {
  std::string text;
  char fold_with;              // '\t' between syntax elements, ' ' between comment words
  bool opens_resinfo = false;  // "method=result"
};

// Joins pieces with single spaces, replacing a space by CRLF + WSP wherever
// the line would otherwise pass kMaxLineLength. A field that cannot be one
// line also starts each resinfo on a line of its own, for the reader.
std::string Layout(const std::vector<Piece>& pieces) {
  size_t flat_length = 0;
  for (const Piece& p : pieces) flat_length += p.text.size() + 1;
  const bool one_line = flat_length - 1 <= kMaxLineLength;
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (i == 0) {
      out = p.text;
      line = p.text.size();
    } else if (line + 1 + p.text.size() > kMaxLineLength || (p.opens_resinfo && !one_line)) {
      out += "\r\n";
      out += p.fold_with;
      out += p.text;
      line = 1 + p.text.size();
    } else {
      out += ' ';
      out += p.text;
      line += 1 + p.text.size();
    }
  }
  out += "\r\n";
  return out;
}

// ---------------------------------------------------------------------------
// Parsing: a recursive-descent reader over the field value. Each Parse*
// returns false after recording the first error with its offset.

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  Result<AuthenticationResults> Parse() {
    AuthenticationResults ar;
    if (!ParseHeader(ar) || !ParseResults(ar)) return Error{error_};
    return ar;
  }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return AtEnd() ? '\0' : in_[pos_]; }

  bool Fail(const std::string& message) { return FailAt(message, pos_); }
  bool FailAt(const std::string& message, size_t offset) {
    error_ = message + " at offset " + std::to_string(offset);
    return false;
  }

  // What stands at pos_, for error messages.
  std::string Found() const {
    if (AtEnd()) return "end of field";
    char c = in_[pos_];
    if (IsControl(c) || IsNonAscii(c))
      return "byte " + std::to_string(static_cast<unsigned char>(c));
    return std::string("'") + c + "'";
  }

  // CFWS of RFC 5322 section 3.2.2: whitespace, line breaks and comments,
  // which nest and may hold quoted-pairs.
  bool SkipCfws() {
    while (!AtEnd()) {
      if (IsFwsChar(in_[pos_])) {
        ++pos_;
      } else if (in_[pos_] == '(') {
        size_t start = pos_;
        int depth = 0;
        do {
          if (AtEnd()) return FailAt("unterminated comment", start);
          char c = in_[pos_++];
          if (c == '\\') {
            if (AtEnd()) return FailAt("unterminated comment", start);
            ++pos_;
          } else if (c == '(') {
            ++depth;
          } else if (c == ')') {
            --depth;
          }
        } while (depth > 0);
      } else {
        break;
      }
    }
    return true;
  }

  // Keyword of RFC 5321 section 4.1.2, lower-cased into *out.
  bool ParseKeyword(std::string* out, const std::string& what) {
    size_t start = pos_;
    while (!AtEnd() && IsKeywordChar(in_[pos_])) ++pos_;
    if (pos_ == start) return Fail("expected " + what + ", found " + Found());
    std::string_view word = in_.substr(start, pos_ - start);
    if (word.back() == '-') {
      return FailAt("'" + std::string(word) + "' is not a valid keyword (ends in '-')", start);
    }
    *out = base::LowerAscii(word);
    return true;
  }

  // quoted-string, unquoted and unfolded into *out; pos_ is at the DQUOTE.
  bool ParseQuotedString(std::string* out) {
    size_t start = pos_++;
    out->clear();
    while (true) {
      if (AtEnd()) return FailAt("unterminated quoted-string", start);
      char c = in_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (AtEnd()) return FailAt("unterminated quoted-string", start);
        *out += in_[pos_++];
      } else if (c != '\r' && c != '\n') {  // unfolding drops the line breaks
        *out += c;
      }
    }
  }

  // value of RFC 2045 section 5.1: token / quoted-string.
  bool ParseValue(std::string* out, const std::string& what) {
    if (Peek() == '"') return ParseQuotedString(out);
    size_t start = pos_;
    while (!AtEnd() && (IsTokenChar(in_[pos_]) || IsNonAscii(in_[pos_]))) ++pos_;
    if (pos_ == start) return Fail("expected " + what + ", found " + Found());
    *out = std::string(in_.substr(start, pos_ - start));
    return true;
  }

  // 1*DIGIT, at most kMaxVersionDigits of them.
  bool ParseNumber(int* out, const std::string& what) {
    size_t start = pos_;
    while (!AtEnd() && IsDigit(in_[pos_])) ++pos_;
    if (pos_ == start) return Fail("expected " + what + " (digits), found " + Found());
    if (pos_ - start > kMaxVersionDigits) return FailAt(what + " has too many digits", start);
    *out = std::stoi(std::string(in_.substr(start, pos_ - start)));
    return true;
  }

  // Values end at whitespace, a comment, ';' or the end of the field.
  bool ExpectValueEnd(const std::string& what) {
    if (AtEnd() || IsFwsChar(in_[pos_]) || in_[pos_] == '(' || in_[pos_] == ';') return true;
    return Fail("unexpected " + Found() + " after " + what);
  }

  // pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
  bool ParsePvalue(std::string* out, const std::string& name) {
    if (!SkipCfws()) return false;
    const std::string what = "the value of " + name + "=";
    if (Peek() == '"') {
      if (!ParseQuotedString(out)) return false;
      if (Peek() == '@') {  // quoted local-part "@" domain-name
        ++pos_;
        size_t start = pos_;
        while (!AtEnd() && (IsKeywordChar(in_[pos_]) || in_[pos_] == '.' || IsNonAscii(in_[pos_])))
          ++pos_;
        if (pos_ == start) return Fail("expected a domain after '@' in " + what);
        *out += '@';
        out->append(in_.substr(start, pos_ - start));
      }
    } else {
      size_t start = pos_;
      while (!AtEnd()) {
        char c = in_[pos_];
        bool lenient = c == '/' || c == '=' || c == '?' || c == ':';  // see PARSING above
        if (!IsTokenChar(c) && !IsNonAscii(c) && !lenient && c != '@') break;
        ++pos_;
      }
      if (pos_ == start) return Fail("expected " + what + ", found " + Found());
      std::string_view v = in_.substr(start, pos_ - start);
      size_t at = v.find('@');
      if (at != std::string_view::npos) {
        std::string_view domain = v.substr(at + 1);
        bool domain_ok = !domain.empty() && std::all_of(domain.begin(), domain.end(), [](char c) {
          return IsKeywordChar(c) || c == '.' || IsNonAscii(c);
        });
        if (!domain_ok) {
          return FailAt("invalid address '" + std::string(v) + "' as " + what, start);
        }
      }
      *out = std::string(v);
    }
    if (!ExpectValueEnd(what)) return false;
    return SkipCfws();
  }

  // [CFWS] authserv-id [ CFWS authres-version ]
  bool ParseHeader(AuthenticationResults& ar) {
    if (!SkipCfws()) return false;
    if (!ParseValue(&ar.authserv_id, "an authserv-id")) return false;
    if (!ExpectValueEnd("the authserv-id")) return false;
    if (!SkipCfws()) return false;
    if (IsDigit(Peek())) {
      int version = 0;
      if (!ParseNumber(&version, "the authres-version")) return false;
      if (!ExpectValueEnd("the authres-version")) return false;
      ar.version = version;
      if (!SkipCfws()) return false;
    }
    return true;
  }

  // ( no-result / 1*resinfo ) [CFWS]
  bool ParseResults(AuthenticationResults& ar) {
    do {
      // After a resinfo only ';' or the end can follow, so this is the
      // first ';'.
      if (Peek() != ';') return Fail("expected ';' after the authserv-id, found " + Found());
      ++pos_;
      if (!SkipCfws()) return false;
      size_t method_start = pos_;
      AuthResult r;
      if (!ParseKeyword(&r.method, "a method after ';'")) return false;
      if (!SkipCfws()) return false;
      if (r.method == "none" && Peek() != '=' && Peek() != '/') {
        if (!ar.results.empty()) return FailAt("'none' cannot follow other results", method_start);
        if (!AtEnd()) return Fail("unexpected " + Found() + " after 'none' (it must stand alone)");
        return true;
      }
      if (!ParseResinfoRest(r)) return false;
      ar.results.push_back(std::move(r));
    } while (!AtEnd());
    return true;
  }

  // The rest of a resinfo once the method is read and CFWS skipped:
  // [ "/" method-version ] "=" result [ CFWS reasonspec ] [ CFWS 1*propspec ]
  bool ParseResinfoRest(AuthResult& r) {
    if (Peek() == '/') {
      ++pos_;
      if (!SkipCfws()) return false;
      int version = 0;
      if (!ParseNumber(&version, "the version of method '" + r.method + "'")) return false;
      r.method_version = version;
      if (!SkipCfws()) return false;
    }
    if (Peek() != '=')
      return Fail("expected '=' after method '" + r.method + "', found " + Found());
    ++pos_;
    if (!SkipCfws()) return false;
    if (!ParseKeyword(&r.result, "a result after '" + r.method + "='")) return false;
    if (!ExpectValueEnd("result '" + r.result + "'")) return false;
    bool have_reason = false;
    while (true) {
      if (!SkipCfws()) return false;
      if (AtEnd() || Peek() == ';') return true;
      std::string ptype;
      size_t ptype_start = pos_;
      if (!ParseKeyword(&ptype,
                        "a property, reason= or ';' after '" + r.method + "=" + r.result + "'")) {
        return false;
      }
      if (!SkipCfws()) return false;
      if (Peek() == '=' && ptype == "reason") {
        if (have_reason) return FailAt("second reason= in result '" + r.method + "'", ptype_start);
        if (!r.properties.empty())
          return FailAt("reason= after properties in result '" + r.method + "'", ptype_start);
        ++pos_;
        if (!SkipCfws()) return false;
        if (!ParseValue(&r.reason, "a value after 'reason='")) return false;
        if (!ExpectValueEnd("the reason")) return false;
        have_reason = true;
        continue;
      }
      if (Peek() != '.')
        return Fail("expected '.' after property type '" + ptype + "', found " + Found());
      ++pos_;
      if (!SkipCfws()) return false;
      std::string property;
      if (!ParseKeyword(&property, "a property name after '" + ptype + ".'")) return false;
      if (!SkipCfws()) return false;
      std::string name = ptype + "." + property;
      if (Peek() != '=')
        return Fail("expected '=' after property '" + name + "', found " + Found());
      ++pos_;
      std::string value;
      if (!ParsePvalue(&value, name)) return false;
      r.properties.emplace_back(std::move(name), std::move(value));
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

// The shortest prefix of signature i's b= that is at least
// kMinHeaderBLength long and that no other signature's b= starts with.
std::string HeaderB(const std::vector<SignatureResult>& signatures, size_t i) {
  const std::string& b = signatures[i].b_base64;
  size_t length = std::min(kMinHeaderBLength, b.size());
  auto shared = [&](size_t n) {
    std::string_view prefix(b.data(), n);
    for (size_t j = 0; j < signatures.size(); ++j) {
      if (j != i && std::string_view(signatures[j].b_base64).starts_with(prefix)) return true;
    }
    return false;
  };
  while (length < b.size() && shared(length)) ++length;
  return b.substr(0, length);
}

}  // namespace

std::optional<std::string> AuthResult::Property(std::string_view name) const {
  for (const auto& [key, value] : properties) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::string FormatAuthenticationResults(const AuthenticationResults& ar) {
  std::vector<Piece> pieces;
  pieces.push_back({"Authentication-Results:", '\t'});
  pieces.push_back({FormatValue(ar.authserv_id), '\t'});
  if (ar.version) pieces.push_back({std::to_string(*ar.version), '\t'});
  if (ar.results.empty()) {
    pieces.back().text += ';';
    pieces.push_back({"none", '\t'});
  }
  for (const AuthResult& r : ar.results) {
    pieces.back().text += ';';
    std::string method = SanitizeName(r.method, false);
    if (r.method_version) method += "/" + std::to_string(*r.method_version);
    pieces.push_back({method + "=" + SanitizeName(r.result, false), '\t', true});
    std::vector<std::string> words = CommentWords(r.reason);
    for (size_t w = 0; w < words.size(); ++w) {
      // Inside the comment a fold keeps the space, so the text unfolds as is.
      pieces.push_back({std::move(words[w]), w == 0 ? '\t' : ' '});
    }
    for (const auto& [name, value] : r.properties) {
      pieces.push_back({SanitizeName(name, true) + "=" + FormatPvalue(value), '\t'});
    }
  }
  return Layout(pieces);
}

Result<AuthenticationResults> ParseAuthenticationResults(std::string_view value) {
  return Parser(value).Parse();
}

AuthenticationResults DkimAuthenticationResults(std::string authserv_id,
                                                const std::vector<SignatureResult>& signatures) {
  AuthenticationResults ar;
  ar.authserv_id = std::move(authserv_id);
  if (signatures.empty()) {
    AuthResult none;
    none.method = "dkim";
    none.result = "none";  // RFC 8601 section 2.7.1: the message was not signed
    ar.results.push_back(std::move(none));
    return ar;
  }
  for (size_t i = 0; i < signatures.size(); ++i) {
    const SignatureResult& s = signatures[i];
    AuthResult r;
    r.method = "dkim";
    r.result = std::string(ToString(s.result));
    r.reason = s.reason;
    if (s.key_testing) {
      // t=y changes nothing in the result, but a reader should know.
      r.reason += r.reason.empty() ? "key in testing mode" : "; key in testing mode";
    }
    auto add = [&r](const char* name, const std::string& value) {
      if (!value.empty()) r.properties.emplace_back(name, value);
    };
    add("header.d", s.domain);
    add("header.i", s.identity);
    add("header.s", s.selector);
    add("header.a", s.algorithm);
    add("header.b", HeaderB(signatures, i));
    ar.results.push_back(std::move(r));
  }
  return ar;
}

}  // namespace dkim
