// footer: add the list footer to a post, MIME-aware.
//
// STANDARDS
//   RFC 2045 §5.2 (no Content-Type = text/plain; charset=us-ascii), §6
//   (transfer encodings; 7bit lines at most 998 octets), RFC 2046 §4.1.2
//   (charset), §5.1.1 (boundaries must not occur in the parts; delimiter
//   and close-delimiter lines; the CRLF before a delimiter belongs to it),
//   §5.1.3 (multipart/mixed), §5.1.4 (multipart/alternative); RFC 1847 §2.1
//   and §2.2 (multipart/signed and multipart/encrypted are left alone);
//   RFC 8551 §3.2 (application/pkcs7-mime is left alone); RFC 3676 §4.2-4.4
//   (format=flowed: no trailing spaces in fixed lines, space-stuffing);
//   RFC 2183 §2.1 (Content-Disposition: inline for the footer part).
// POLICY (text/plain)
//   The footer is converted into the part's charset. If it does not fit
//   (e.g. "é" into us-ascii), the body is converted to UTF-8 and the charset
//   parameter becomes utf-8. If the charset is unknown to iconv or the body
//   is not valid in it, the text is not touched: the message is wrapped and
//   the footer goes in its own part. Transfer encodings are kept (base64
//   stays base64, quoted-printable stays quoted-printable); a 7bit body that
//   now holds 8-bit bytes or a line over 998 octets becomes quoted-printable
//   (we cannot know every relay offers 8BITMIME); 8bit stays 8bit. An
//   unknown transfer encoding or a text/plain attachment is wrapped too, and
//   so is a charset whose line ends are not single ASCII bytes (UTF-16,
//   UTF-32): appending to it byte-wise would garble it.
// LIMITS
//   Whole bodies are decoded in memory; boundaries are "=_listd_" plus 16
//   hex digits, a string that cannot occur in base64 or QP text and is
//   checked against the whole message.
#include "listd/mime/footer.h"

#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#include "base/ascii.h"
#include "listd/mime/boundary.h"
#include "listd/mime/gmime_support.h"
#include "listd/mime/header_edit.h"
#include "listd/mime/text_codec.h"

namespace listd::mime {
namespace {

constexpr size_t kMaxLine = 998;  // RFC 5322 §2.1.1, RFC 2045 §2.7

struct Parts {
  std::string_view header;  // up to and including the last field's CRLF
  std::string_view body;    // after the empty line
};

std::string Param(GMimeContentType* type, const char* name) {
  const char* value = type ? g_mime_content_type_get_parameter(type, name) : nullptr;
  return value ? std::string(value) : std::string();
}

// Whether the charset writes CR, LF and ASCII as the single ASCII bytes
// (RFC 2046 section 4.1.2 asks that of text charsets in MIME; UTF-16 and
// UTF-32 mail exists anyway).
bool AsciiCompatible(const std::string& charset) {
  const std::string lower = base::LowerAscii(charset);
  for (std::string_view wide :
       {"utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4", "unicode"}) {
    if (lower.rfind(wide, 0) == 0) return false;
  }
  return true;
}

bool IsUtf8Name(const std::string& charset) {
  std::string lower = base::LowerAscii(charset);
  return lower == "utf-8" || lower == "utf8";
}

// RFC 3676 §4.2-4.4: fixed lines (no trailing space, "-- " excepted) and
// space-stuffed lines starting with " ", ">" or "From ".
std::string FlowedFooter(std::string_view lf_footer) {
  std::string out;
  size_t pos = 0;
  while (pos < lf_footer.size()) {
    size_t nl = lf_footer.find('\n', pos);
    std::string line(lf_footer.substr(pos, nl - pos));
    if (line != "-- ") {
      while (!line.empty() && line.back() == ' ') line.pop_back();
    }
    if (!line.empty() && (line[0] == ' ' || line[0] == '>' || line.rfind("From ", 0) == 0)) {
      line.insert(0, " ");
    }
    out += line + "\n";
    pos = nl + 1;
  }
  return out;
}

// The footer as a MIME body part (header and body, no delimiters).
std::string FooterPart(const std::string& lf_footer) {
  TransferEncoding encoding = IsAscii(lf_footer) && LinesFit(lf_footer, kMaxLine)
                                  ? TransferEncoding::k7bit
                                  : TransferEncoding::kQuotedPrintable;
  return "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Disposition: inline\r\n"
         "Content-Transfer-Encoding: " +
         TransferEncodingName(encoding) + "\r\n\r\n" + EncodeText(lf_footer, encoding);
}

bool IsContentField(std::string_view name) {
  return base::LowerAscii(name.substr(0, std::min<size_t>(name.size(), 8))) == "content-";
}

// A new multipart/mixed: the old body (with its Content-* fields) first,
// the footer second.
base::Result<FooterResult> Wrap(std::string_view message, const Parts& parts,
                                const std::string& lf_footer, std::string why) {
  base::Result<std::vector<RawField>> fields = ParseFields(message);
  if (!fields) return fields.failure();
  std::string outer;
  std::string inner;
  bool has_mime_version = false;
  for (const RawField& field : *fields) {
    std::string_view bytes = message.substr(field.begin, field.end - field.begin);
    if (IsContentField(field.name)) {
      inner += bytes;
    } else {
      outer += bytes;
      has_mime_version = has_mime_version || base::LowerAscii(field.name) == "mime-version";
    }
  }
  std::string boundary = FreshBoundary(message);
  if (!has_mime_version) outer += "MIME-Version: 1.0\r\n";
  outer += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  outer += "--" + boundary + "\r\n" + inner + "\r\n";
  outer += parts.body;
  outer += "\r\n--" + boundary + "\r\n" + FooterPart(lf_footer);
  outer += "\r\n--" + boundary + "--\r\n";
  return FooterResult{std::move(outer), FooterPlacement::kAddedPart, std::move(why)};
}

// multipart/mixed: a new part right before the close-delimiter.
base::Result<FooterResult> AddPart(std::string_view message, const Parts& parts,
                                   const std::string& boundary, const std::string& lf_footer) {
  std::string part = "--" + boundary + "\r\n" + FooterPart(lf_footer);
  std::string close = "--" + boundary + "--";
  std::string_view body = parts.body;
  size_t at = std::string_view::npos;
  if (body.substr(0, close.size()) == close) {
    at = 0;
  } else {
    size_t found = body.find("\r\n" + close);
    if (found != std::string_view::npos) at = found;
  }
  std::string out(message.substr(0, message.size() - body.size()));
  if (at == std::string_view::npos) {
    // No close-delimiter (truncated post): end the multipart properly.
    out += body;
    if (!body.empty() && body.substr(body.size() - std::min<size_t>(2, body.size())) != "\r\n") {
      out += "\r\n";
    }
    out += part + "\r\n" + close + "\r\n";
    return FooterResult{std::move(out), FooterPlacement::kAddedPart,
                        "multipart/mixed without a close-delimiter: footer added as the last "
                        "part and the multipart closed (RFC 2046 §5.1.1)"};
  }
  out += body.substr(0, at);
  out += at == 0 ? part + "\r\n" : "\r\n" + part;
  out += body.substr(at);
  return FooterResult{std::move(out), FooterPlacement::kAddedPart,
                      "multipart/mixed: footer added as the last part (RFC 2046 §5.1.3)"};
}

// text/plain: the footer appended to the text; nullopt (with `why_not`) when
// the text cannot take it and the caller should wrap instead.
std::optional<FooterResult> AppendToText(std::string_view message, const Parts& parts,
                                         GMimeContentType* type, const std::string& lf_footer,
                                         std::string& why_not) {
  std::optional<std::string> cte_raw = GetFieldValue(message, "Content-Transfer-Encoding");
  TransferEncoding encoding =
      ParseTransferEncoding(cte_raw ? std::optional<std::string_view>(*cte_raw) : std::nullopt);
  if (encoding == TransferEncoding::kUnknown) {
    why_not = "text/plain with an unknown Content-Transfer-Encoding";
    return std::nullopt;
  }
  std::string charset = Param(type, "charset");
  if (charset.empty()) charset = "us-ascii";  // RFC 2045 §5.2, RFC 2046 §4.1.2
  if (!AsciiCompatible(charset)) {
    // Lines are found and joined here by their CR and LF bytes, which a
    // UTF-16 or UTF-32 text does not have as single bytes.
    why_not = "text/plain in " + charset + ", whose lines are not ASCII bytes";
    return std::nullopt;
  }
  bool flowed = base::LowerAscii(Param(type, "format")) == "flowed";

  std::optional<std::string> decoded = DecodeTransferEncoding(parts.body, encoding);
  if (!decoded) {
    why_not = "text/plain whose body cannot be decoded";
    return std::nullopt;
  }
  std::string text = ToLf(*decoded);
  std::string footer = flowed ? FlowedFooter(lf_footer) : lf_footer;

  std::string joiner;
  if (!text.empty() && text.back() != '\n') joiner = "\n";
  if (flowed) {
    // A last line ending in a space would flow into the footer's first line.
    std::string_view last(text);
    if (!last.empty() && last.back() == '\n') last.remove_suffix(1);
    last = last.substr(last.rfind('\n') == std::string_view::npos ? 0 : last.rfind('\n') + 1);
    if (!last.empty() && last.back() == ' ' && last != "-- ") joiner += "\n";
  }

  std::string new_charset = charset;
  std::string footer_bytes = footer;
  if (!IsUtf8Name(charset)) {
    std::optional<std::string> converted = ConvertCharset(footer, "utf-8", charset);
    if (converted) {
      footer_bytes = *converted;
    } else {
      std::optional<std::string> utf8_text = ConvertCharset(text, charset, "utf-8");
      if (!utf8_text) {
        why_not =
            "text/plain in charset " + charset + " that is unknown or does not match the body";
        return std::nullopt;
      }
      text = *utf8_text;
      new_charset = "utf-8";
    }
  }
  std::string new_text = text + joiner + footer_bytes;

  TransferEncoding new_encoding = encoding;
  if (encoding == TransferEncoding::k7bit &&
      (!IsAscii(new_text) || !LinesFit(new_text, kMaxLine))) {
    new_encoding = TransferEncoding::kQuotedPrintable;
  } else if (encoding == TransferEncoding::k8bit && !LinesFit(new_text, kMaxLine)) {
    new_encoding = TransferEncoding::kQuotedPrintable;
  }

  std::string new_body;
  bool plain_bytes = encoding == TransferEncoding::k7bit || encoding == TransferEncoding::k8bit ||
                     encoding == TransferEncoding::kBinary;
  if (plain_bytes && new_encoding == encoding && new_charset == charset) {
    new_body = std::string(parts.body) + ToCrlf(joiner + footer_bytes);  // old bytes kept as is
  } else {
    new_body = EncodeText(new_text, new_encoding);
  }

  // Only the Content-* fields that must change are touched. `header` ends
  // in the empty line and holds the fields found above, so an edit fails
  // only when the header writer refuses a value (a control character in
  // the part's own Content-Type): the footer then goes in a part of its
  // own, and this header stays as it came.
  std::string header = std::string(parts.header) + "\r\n";
  std::vector<FieldToAdd> added;
  if (new_encoding != encoding) {
    std::string value = " " + TransferEncodingName(new_encoding);
    if (cte_raw) {
      auto replaced = ReplaceFieldValue(header, "Content-Transfer-Encoding", value);
      if (!replaced) return std::nullopt;
      header = std::move(*replaced);
    } else {
      added.emplace_back("Content-Transfer-Encoding", TransferEncodingName(new_encoding));
    }
  }
  if (new_charset != charset) {
    if (type != nullptr && GetFieldValue(message, "Content-Type")) {
      g_mime_content_type_set_parameter(type, "charset", new_charset.c_str());
      GString encoded(g_mime_content_type_encode(type, nullptr));
      std::string value = encoded.get();
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
      auto replaced = ReplaceFieldValue(header, "Content-Type", ToCrlf(ToLf(value)));
      if (!replaced) return std::nullopt;
      header = std::move(*replaced);
    } else {
      added.emplace_back("Content-Type", "text/plain; charset=" + new_charset);
    }
  }
  if (!added.empty() || new_encoding != encoding || new_charset != charset) {
    if (!GetFieldValue(message, "MIME-Version")) added.emplace_back("MIME-Version", "1.0");
  }
  if (!added.empty()) {
    auto appended = AppendFields(header, added);
    if (!appended) return std::nullopt;
    header = std::move(*appended);
  }

  std::string why = "text/plain; charset=" + charset + ", " + TransferEncodingName(encoding) +
                    ": footer appended to the text";
  if (new_charset != charset) {
    why += "; body converted to utf-8 because the footer does not fit " + charset;
  }
  if (new_encoding != encoding) why += "; re-encoded as " + TransferEncodingName(new_encoding);
  if (flowed) why += " (format=flowed kept valid, RFC 3676 §4.2)";
  return FooterResult{header + new_body, FooterPlacement::kAppendedToText, why};
}

}  // namespace

base::Result<FooterResult> AddFooter(std::string_view message, std::string_view footer_utf8) {
  if (footer_utf8.empty()) {
    return FooterResult{std::string(message), FooterPlacement::kNone, "no footer configured"};
  }
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return header_end.failure();
  if (!ParseMessage(message)) return base::Error{"GMime cannot parse the message"};
  Parts parts{message.substr(0, *header_end), message.substr(*header_end + 2)};

  std::string lf_footer = ToLf(footer_utf8);
  if (lf_footer.back() != '\n') lf_footer += '\n';

  std::optional<std::string> type_raw = GetFieldValue(message, "Content-Type");
  GPtr<GMimeContentType> type = type_raw ? ParseContentType(*type_raw) : nullptr;
  std::string media =
      type ? base::LowerAscii(g_mime_content_type_get_media_type(type.get())) : "text";
  std::string subtype =
      type ? base::LowerAscii(g_mime_content_type_get_media_subtype(type.get())) : "plain";
  std::string mime_type = media + "/" + subtype;

  if (mime_type == "multipart/signed") {
    return FooterResult{std::string(message), FooterPlacement::kNone,
                        "multipart/signed: left untouched (RFC 1847 §2.1)"};
  }
  if (mime_type == "multipart/encrypted") {
    return FooterResult{std::string(message), FooterPlacement::kNone,
                        "multipart/encrypted: left untouched (RFC 1847 §2.2)"};
  }
  if (mime_type == "application/pkcs7-mime" || mime_type == "application/x-pkcs7-mime") {
    return FooterResult{std::string(message), FooterPlacement::kNone,
                        mime_type + ": S/MIME left untouched (RFC 8551 §3.2)"};
  }
  if (mime_type == "text/plain") {
    std::optional<std::string> disposition = GetFieldValue(message, "Content-Disposition");
    bool attachment =
        disposition && base::LowerAscii(*disposition).find("attachment") != std::string::npos;
    std::string why_not = "text/plain attachment";
    if (!attachment) {
      std::optional<FooterResult> appended =
          AppendToText(message, parts, type.get(), lf_footer, why_not);
      if (appended) return std::move(*appended);
    }
    return Wrap(message, parts, lf_footer,
                why_not +
                    ": wrapped in multipart/mixed with the footer as a second part "
                    "(RFC 2046 §5.1.3)");
  }
  if (mime_type == "multipart/mixed") {
    std::string boundary = Param(type.get(), "boundary");
    if (!boundary.empty()) return AddPart(message, parts, boundary, lf_footer);
  }
  if (mime_type == "multipart/alternative") {
    return Wrap(message, parts, lf_footer,
                "multipart/alternative: wrapped in multipart/mixed with the footer as a second "
                "part, as Mailman does (RFC 2046 §5.1.3, §5.1.4)");
  }
  return Wrap(message, parts, lf_footer,
              mime_type +
                  ": wrapped in multipart/mixed with the footer as a second part "
                  "(RFC 2046 §5.1.3)");
}

}  // namespace listd::mime
