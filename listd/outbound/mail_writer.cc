// mail_writer: header fields checked and written by hand (so that what
// reaches the wire is exactly what was checked), encodings by GMime.
//
// STANDARDS
//   RFC 5322 section 2.1.1 (998-octet lines), 2.2.3 (folding), 3.3 (Date),
//   3.4 (addr-spec, display names), 3.6.4 (Message-ID, In-Reply-To,
//   References); RFC 2045 section 6 (7bit, quoted-printable, base64);
//   RFC 2046 section 5.1.1 (multipart/mixed), 5.2.1 (message/rfc822: 7bit
//   or 8bit only); RFC 2047 (encoded-words in Subject and phrases);
//   RFC 2369 (List-Unsubscribe), RFC 2919 (List-Id), RFC 3834 section 5
//   (Auto-Submitted).
// LIMITS
//   Header lines are folded at 78 characters where there is a space to
//   fold at; a field that cannot be made to fit 998 octets is refused.
#include "listd/outbound/mail_writer.h"

#include <ctime>
#include <vector>

#include "base/email_address.h"
#include "listd/mime/boundary.h"
#include "listd/mime/gmime_support.h"
#include "listd/mime/text_codec.h"

namespace listd::outbound {

std::string MailDate(int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  // RFC 5322 section 3.3; %a and %b are English in the C locale listd runs in.
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}
namespace {

constexpr size_t kMaxLine = 998;   // RFC 5322 section 2.1.1, MUST
constexpr size_t kFoldWidth = 78;  // RFC 5322 section 2.1.1, SHOULD

// The length of the valid UTF-8 sequence starting at `pos`, or 0 when the
// bytes there are not one (overlong forms and surrogates included).
size_t Utf8Length(std::string_view text, size_t pos, uint32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  size_t length = 0;
  uint32_t cp = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    const size_t length = Utf8Length(text, pos, &cp);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

// Every header value passes here: a CR or LF would end the field and start
// another, any other control byte has no business in a header.
base::Result<bool> NoControlBytes(std::string_view field, std::string_view value) {
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return base::Invalid("The " + std::string(field) +
                           " of a mail listd writes holds a control byte (CR, LF or another); "
                           "a header field never takes one.");
    }
  }
  return true;
}

base::Result<bool> CheckText(std::string_view field, std::string_view value) {
  if (auto clean = NoControlBytes(field, value); !clean) return clean;
  if (!IsValidUtf8(value)) {
    return base::Invalid("The " + std::string(field) +
                         " of a mail listd writes is not valid UTF-8.");
  }
  return true;
}

// A plain addr-spec, dot-atom "@" dot-atom: no display name, no comment,
// no quoted local part (listd's own addresses and its members' never need
// one, and every byte of it is checked).
base::Result<bool> CheckAddress(std::string_view field, std::string_view value) {
  if (auto clean = NoControlBytes(field, value); !clean) return clean;
  const size_t at = value.rfind('@');
  if (at == std::string_view::npos || !base::IsDotAtom(value.substr(0, at)) ||
      !base::IsDotAtom(value.substr(at + 1))) {
    return base::Invalid("The " + std::string(field) + " '" + std::string(value) +
                         "' of a mail listd writes is not a plain address (local@domain).");
  }
  return true;
}

// RFC 5322 section 3.6.4: id-left "@" id-right, written inside <>.
base::Result<bool> CheckMessageId(std::string_view field, std::string_view value) {
  if (auto clean = NoControlBytes(field, value); !clean) return clean;
  const size_t at = value.find('@');
  if (at == std::string_view::npos || !base::IsDotAtom(value.substr(0, at)) ||
      !base::IsDotAtom(value.substr(at + 1))) {
    return base::Invalid("The " + std::string(field) + " '" + std::string(value) +
                         "' of a mail listd writes is not a message id (left@right, "
                         "without <>).");
  }
  return true;
}

bool NeedsEncodedWords(std::string_view text) {
  // "=?" in plain text would be read back as the start of an encoded-word.
  return !mime::IsAscii(text) || text.find("=?") != std::string_view::npos;
}

// A display name as an RFC 5322 phrase: atoms as they are, else a
// quoted-string, else (non-ASCII) RFC 2047 encoded-words.
std::string Phrase(std::string_view name) {
  if (NeedsEncodedWords(name)) return mime::EncodeWordsUtf8(name);
  bool atoms = !name.empty() && name.front() != ' ' && name.back() != ' ' &&
               name.find("  ") == std::string_view::npos;
  for (char c : name) {
    if (c != ' ' && !base::IsAtext(c)) atoms = false;
  }
  if (atoms) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// "Name: value\r\n", folded (RFC 5322 section 2.2.3) before a space that
// stands between two non-spaces, so no line is only white space and
// unfolding gives back the value exactly.
base::Result<std::string> Field(std::string_view name, std::string_view value) {
  std::vector<std::string_view> pieces;  // each but the first starts with its fold space
  size_t start = 0;
  for (size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == ' ' && value[i - 1] != ' ' && value[i + 1] != ' ') {
      pieces.push_back(value.substr(start, i - start));
      start = i;
    }
  }
  pieces.push_back(value.substr(start));
  std::string out = std::string(name) + ":" + (value.empty() ? "" : " ");
  size_t line = out.size();
  bool too_long = false;
  for (size_t i = 0; i < pieces.size(); ++i) {
    // The first piece keeps its place after the colon: "Subject: word".
    if (i > 0 && line + pieces[i].size() > kFoldWidth) {
      out += "\r\n";
      line = 0;
    }
    out += pieces[i];
    line += pieces[i].size();
    if (line > kMaxLine) too_long = true;
  }
  if (too_long) {
    return base::Invalid("The " + std::string(name) +
                         " field of a mail listd writes cannot be folded into lines of at "
                         "most 998 octets.");
  }
  return out + "\r\n";
}

// The header fields every mail gets, up to and including MIME-Version.
base::Result<std::string> CommonFields(const MailHeaders& h) {
  if (auto ok = CheckAddress("from", h.from); !ok) return ok.failure();
  if (auto ok = CheckText("from_name", h.from_name); !ok) return ok.failure();
  if (auto ok = CheckAddress("to", h.to); !ok) return ok.failure();
  if (auto ok = CheckText("subject", h.subject); !ok) return ok.failure();
  if (auto ok = CheckMessageId("message_id", h.message_id); !ok) return ok.failure();
  if (!h.in_reply_to.empty()) {
    if (auto ok = CheckMessageId("in_reply_to", h.in_reply_to); !ok) return ok.failure();
  }
  if (!h.reply_to.empty()) {
    if (auto ok = CheckAddress("reply_to", h.reply_to); !ok) return ok.failure();
  }
  if (!h.list_id.empty()) {
    if (auto ok = NoControlBytes("list_id", h.list_id); !ok) return ok.failure();
    // RFC 2919 section 2: list-label is dot-atom-text.
    if (!base::IsDotAtom(h.list_id)) {
      return base::Invalid("The list_id '" + h.list_id +
                           "' of a mail listd writes is not a list label (dot-atom text).");
    }
  }
  if (!h.list_unsubscribe.empty()) {
    if (auto ok = NoControlBytes("list_unsubscribe", h.list_unsubscribe); !ok) {
      return ok.failure();
    }
    // RFC 2369 section 2: one or more <URL>s, which are ASCII.
    if (!mime::IsAscii(h.list_unsubscribe) || h.list_unsubscribe.front() != '<' ||
        h.list_unsubscribe.back() != '>') {
      return base::Invalid(
          "The list_unsubscribe value of a mail listd writes is not a list "
          "of <URL>s in ASCII.");
    }
  }
  // RFC 3834 section 5: a keyword (auto-generated, auto-replied, no, or an
  // extension), letters, digits and '-'.
  bool keyword = !h.auto_submitted.empty();
  for (char c : h.auto_submitted) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
      keyword = false;
    }
  }
  if (!keyword) {
    return base::Invalid(
        "The auto_submitted value of a mail listd writes is not an "
        "Auto-Submitted keyword such as auto-generated or auto-replied.");
  }

  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back("From",
                      h.from_name.empty() ? h.from : Phrase(h.from_name) + " <" + h.from + ">");
  fields.emplace_back("To", h.to);
  fields.emplace_back("Subject",
                      NeedsEncodedWords(h.subject) ? mime::EncodeWordsUtf8(h.subject) : h.subject);
  fields.emplace_back("Date", MailDate(h.now));
  fields.emplace_back("Message-ID", "<" + h.message_id + ">");
  if (!h.in_reply_to.empty()) {
    fields.emplace_back("In-Reply-To", "<" + h.in_reply_to + ">");
    fields.emplace_back("References", "<" + h.in_reply_to + ">");
  }
  if (!h.reply_to.empty()) fields.emplace_back("Reply-To", h.reply_to);
  if (!h.list_id.empty()) fields.emplace_back("List-Id", "<" + h.list_id + ">");
  if (!h.list_unsubscribe.empty()) fields.emplace_back("List-Unsubscribe", h.list_unsubscribe);
  fields.emplace_back("Auto-Submitted", h.auto_submitted);
  fields.emplace_back("MIME-Version", "1.0");

  std::string out;
  for (const auto& [name, value] : fields) {
    base::Result<std::string> field = Field(name, value);
    if (!field) return field.failure();
    out += *field;
  }
  return out;
}

std::string RunEncoder(std::string_view input, GMimeContentEncoding encoding) {
  mime::EnsureGMime();
  GMimeEncoding state;
  g_mime_encoding_init_encode(&state, encoding);
  std::vector<char> out(g_mime_encoding_outlen(&state, input.size()) + 16);
  const size_t written = g_mime_encoding_flush(&state, input.data(), input.size(), out.data());
  return std::string(out.data(), written);
}

struct TextPart {
  std::string encoding;  // the Content-Transfer-Encoding token
  std::string body;      // CRLF wire form, ending in CRLF unless empty
};

// The body on the wire: 7bit when it can go as it is (ASCII, lines of at
// most 998 octets, no NUL and no CR but in CRLF), else quoted-printable,
// whose lines GMime keeps within 76 characters.
TextPart EncodeBody(std::string_view body_utf8) {
  std::string lf = mime::ToLf(body_utf8);
  if (!lf.empty() && lf.back() != '\n') lf += '\n';
  const bool plain = mime::IsAscii(lf) && mime::LinesFit(lf, kMaxLine) &&
                     lf.find('\0') == std::string::npos && lf.find('\r') == std::string::npos;
  if (plain) return {"7bit", mime::ToCrlf(lf)};
  return {"quoted-printable", mime::ToCrlf(RunEncoder(lf, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE))};
}

// True when `message` can travel as it is under 7bit or 8bit (RFC 2045
// section 2.7 and 2.8): CR and LF only as CRLF, no NUL, short lines.
bool IdentityEncodable(std::string_view message) {
  size_t line = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\0') return false;
    if (c == '\r') {
      if (i + 1 == message.size() || message[i + 1] != '\n') return false;
      continue;
    }
    if (c == '\n') {
      if (i == 0 || message[i - 1] != '\r') return false;
      line = 0;
      continue;
    }
    if (++line > kMaxLine) return false;
  }
  return true;
}

}  // namespace

base::Result<std::string> WriteTextMail(const MailHeaders& headers, std::string_view body_utf8) {
  base::Result<std::string> fields = CommonFields(headers);
  if (!fields) return fields.failure();
  const TextPart part = EncodeBody(body_utf8);
  return *fields + "Content-Type: text/plain; charset=utf-8\r\n" +
         "Content-Transfer-Encoding: " + part.encoding + "\r\n\r\n" + part.body;
}

base::Result<std::string> WriteMailWithMessage(const MailHeaders& headers,
                                               std::string_view body_utf8,
                                               std::string_view attached) {
  base::Result<std::string> fields = CommonFields(headers);
  if (!fields) return fields.failure();
  const TextPart text = EncodeBody(body_utf8);
  std::string text_part =
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " + text.encoding +
      "\r\n\r\n" + text.body;
  std::string message_part;
  if (IdentityEncodable(attached)) {
    // RFC 2046 section 5.2.1: no encoding other than 7bit, 8bit or binary.
    message_part = std::string("Content-Type: message/rfc822\r\n") +
                   "Content-Disposition: inline\r\n" +
                   "Content-Transfer-Encoding: " + (mime::IsAscii(attached) ? "7bit" : "8bit") +
                   "\r\n\r\n" + std::string(attached);
  } else {
    message_part = std::string("Content-Type: application/octet-stream; name=\"message.eml\"\r\n") +
                   "Content-Disposition: attachment; filename=\"message.eml\"\r\n" +
                   "Content-Transfer-Encoding: base64\r\n\r\n" +
                   mime::ToCrlf(RunEncoder(attached, GMIME_CONTENT_ENCODING_BASE64));
  }
  // RFC 2046 section 5.1.1: the CRLF before "--boundary" belongs to the
  // boundary, so each part's own last CRLF stays part of its content.
  const std::string boundary = mime::FreshBoundary(text_part + message_part);
  return *fields + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n" + "--" +
         boundary + "\r\n" + text_part + "\r\n--" + boundary + "\r\n" + message_part + "\r\n--" +
         boundary + "--\r\n";
}

std::string OneLineText(std::string_view text, size_t max_bytes) {
  std::string line;
  line.reserve(text.size());
  const auto add_space = [&] {
    if (!line.empty() && line.back() != ' ') line += ' ';
  };
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    const size_t length = Utf8Length(text, pos, &cp);
    if (length == 0) {
      line += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      pos += 1;
      continue;
    }
    if (cp < 0x20 || cp == ' ' || (cp >= 0x7F && cp <= 0x9F)) {
      add_space();
    } else {
      line.append(text.substr(pos, length));
    }
    pos += length;
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  if (line.size() <= max_bytes) return line;
  const std::string_view dots = "...";
  if (max_bytes <= dots.size()) return std::string(dots.substr(0, max_bytes));
  size_t cut = max_bytes - dots.size();
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  line.resize(cut);
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line + std::string(dots);
}

}  // namespace listd::outbound
