// Mail text (mail_text.h says what and why; STANDARDS and LIMITS are there).
#include "listd/inbound/mail_text.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "base/ascii.h"
#include "listd/inbound/text_lines.h"
#include "listd/mime/gmime_support.h"

namespace listd::inbound {
namespace {

using mime::GPtr;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The first text/plain and text/html parts that are not attachments.
struct TextParts {
  GMimePart* plain = nullptr;
  GMimePart* html = nullptr;
};

// GMime refuses deeper nesting itself; this bound only keeps the walk's
// stack small whatever the parser hands back.
constexpr int kMaxDepth = 64;

void FindTextParts(GMimeObject* object, TextParts& found, int depth) {
  if (object == nullptr || depth > kMaxDepth || found.plain != nullptr) return;
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count && found.plain == nullptr; ++i) {
      FindTextParts(g_mime_multipart_get_part(multipart, i), found, depth + 1);
    }
    return;
  }
  // A message/rfc822 part is a GMimeMessagePart, not a GMimePart: the mail
  // it carries was written by someone else, so it is not searched.
  if (!GMIME_IS_PART(object)) return;
  GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
  if (disposition != nullptr && g_mime_content_disposition_is_attachment(disposition)) return;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type == nullptr) return;
  if (g_mime_content_type_is_type(type, "text", "plain")) {
    found.plain = GMIME_PART(object);
  } else if (found.html == nullptr && g_mime_content_type_is_type(type, "text", "html")) {
    found.html = GMIME_PART(object);
  }
}

// At most `limit` bytes of the part's content with its transfer encoding
// undone: the rest is never decoded.
std::string ReadDecoded(GMimePart* part, size_t limit) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GMimeStream* source = g_mime_data_wrapper_get_stream(content);
  if (source == nullptr || g_mime_stream_reset(source) == -1) return {};
  GPtr<GMimeStream> filtered(g_mime_stream_filter_new(source));
  const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
      encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      encoding == GMIME_CONTENT_ENCODING_UUENCODE) {
    GPtr<GMimeFilter> decoder(g_mime_filter_basic_new(encoding, FALSE));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), decoder.get());
  }
  std::string out;
  std::vector<char> buffer(4096);
  while (out.size() < limit) {
    const size_t want = std::min(buffer.size(), limit - out.size());
    const ssize_t got = g_mime_stream_read(filtered.get(), buffer.data(), want);
    if (got <= 0) break;
    out.append(buffer.data(), static_cast<size_t>(got));
  }
  return out;
}

struct IconvCloser {
  void operator()(iconv_t cd) const { g_mime_iconv_close(cd); }
};

// `bytes` in `charset` as UTF-8; what does not convert becomes U+FFFD
// (a command must be readable even in a mail that mislabels its charset).
std::string ToUtf8(std::string_view bytes, const std::string& charset) {
  const std::string name = base::LowerAscii(charset);
  if (name.empty() || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii") {
    return ValidUtf8(bytes);
  }
  mime::EnsureGMime();
  iconv_t cd = g_mime_iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return ValidUtf8(bytes);
  std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser> closer(cd);
  std::string in(bytes);
  char* in_ptr = in.data();
  size_t in_left = in.size();
  std::string out;
  std::vector<char> buffer(4096);
  while (in_left > 0) {
    char* out_ptr = buffer.data();
    size_t out_left = buffer.size();
    const size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    const int saved_errno = errno;
    out.append(buffer.data(), buffer.size() - out_left);
    if (rc != static_cast<size_t>(-1) || saved_errno == E2BIG) continue;
    out += kReplacement;
    if (saved_errno != EILSEQ) break;  // EINVAL: the text ends inside a character
    ++in_ptr;
    --in_left;
  }
  return ValidUtf8(out);
}

std::string ToLfLines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string PartText(GMimePart* part, size_t decoded_limit) {
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  return ToLfLines(ToUtf8(ReadDecoded(part, decoded_limit), charset ? charset : ""));
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    out += kReplacement;
  } else if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Elements whose start or end begins a new line of text.
bool IsBlock(std::string_view name) {
  for (std::string_view block :
       {"p",       "div",     "li",     "tr",     "table",  "ul",      "ol",   "dl",   "dt",
        "dd",      "h1",      "h2",     "h3",     "h4",     "h5",      "h6",   "hr",   "pre",
        "section", "article", "header", "footer", "center", "address", "form", "body", "html"}) {
    if (name == block) return true;
  }
  return false;
}

// Elements whose content is never text a person wrote.
bool IsDropped(std::string_view name) {
  return name == "style" || name == "script" || name == "title";
}

// The text the HTML reader writes: blanks collapsed, quote marks at the
// start of each line inside <blockquote>.
class TextWriter {
 public:
  void Text(std::string_view utf8) {
    if (at_line_start_) {
      if (quote_depth_ > 0) out_ += std::string(static_cast<size_t>(quote_depth_), '>') + " ";
      at_line_start_ = false;
    } else if (pending_space_) {
      out_ += ' ';
    }
    pending_space_ = false;
    out_ += utf8;
  }
  void Space() { pending_space_ = !at_line_start_; }
  void LineBreak() {
    out_ += '\n';
    at_line_start_ = true;
    pending_space_ = false;
  }
  void BlockBreak() {
    if (!at_line_start_) LineBreak();
  }
  void EnterQuote() { ++quote_depth_; }
  void LeaveQuote() { quote_depth_ = std::max(0, quote_depth_ - 1); }
  size_t size() const { return out_.size(); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  int quote_depth_ = 0;
  bool at_line_start_ = true;
  bool pending_space_ = false;
};

// The index of the '>' that ends the tag whose attributes start at `from`
// (a '>' inside a quoted attribute value does not end it), or npos.
size_t TagEnd(std::string_view html, size_t from) {
  char quote = 0;
  for (size_t i = from; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Where "</name" (any case) starts at or after `from`, or npos.
size_t FindEndTag(std::string_view html, size_t from, std::string_view name) {
  while (true) {
    const size_t at = html.find("</", from);
    if (at == std::string_view::npos) return at;
    if (base::LowerAscii(html.substr(at + 2, name.size())) == name) return at;
    from = at + 2;
  }
}

// Reads the character reference at html[i] == '&' into `writer`; returns
// the index after it (after just the '&' when it is none we know).
size_t ReadReference(std::string_view html, size_t i, TextWriter& writer) {
  const size_t semicolon = html.find(';', i + 1);
  if (semicolon == std::string_view::npos || semicolon - i > 12) {
    writer.Text("&");
    return i + 1;
  }
  const std::string_view name = html.substr(i + 1, semicolon - i - 1);
  std::string text;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    uint32_t cp = 0;
    bool ok = !digits.empty() && digits.size() <= 8;
    for (char c : digits) {
      int value = -1;
      if (c >= '0' && c <= '9') value = c - '0';
      if (hex && c >= 'a' && c <= 'f') value = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') value = c - 'A' + 10;
      if (value < 0) ok = false;
      if (!ok) break;
      cp = cp * (hex ? 16u : 10u) + static_cast<uint32_t>(value);
    }
    if (!ok) {
      writer.Text("&");
      return i + 1;
    }
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == ' ' || cp == 0xA0) {
      writer.Space();
      return semicolon + 1;
    }
    AppendUtf8(cp, text);
  } else if (name == "amp") {
    text = "&";
  } else if (name == "lt") {
    text = "<";
  } else if (name == "gt") {
    text = ">";
  } else if (name == "quot") {
    text = "\"";
  } else if (name == "apos") {
    text = "'";
  } else if (name == "nbsp") {
    writer.Space();
    return semicolon + 1;
  } else {
    writer.Text("&");
    return i + 1;
  }
  writer.Text(text);
  return semicolon + 1;
}

}  // namespace

std::string DecodedTextOf(GMimePart* part, size_t decoded_limit) {
  if (part == nullptr) return {};
  return PartText(part, decoded_limit);
}

std::string HtmlToText(std::string_view html, size_t max_bytes) {
  TextWriter writer;
  int pre_depth = 0;
  size_t i = 0;
  while (i < html.size() && writer.size() < max_bytes) {
    const char c = html[i];
    if (c == '&') {
      i = ReadReference(html, i, writer);
      continue;
    }
    if (IsHtmlSpace(c)) {
      if (pre_depth == 0) {
        writer.Space();
      } else if (c == '\n') {
        writer.LineBreak();
      } else if (c != '\r') {
        writer.Text(" ");
      }
      ++i;
      continue;
    }
    if (c != '<') {
      writer.Text(html.substr(i, 1));
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    size_t j = i + 1;
    const bool closing = j < html.size() && html[j] == '/';
    if (closing) ++j;
    const size_t name_begin = j;
    while (j < html.size() && IsAlnum(html[j])) ++j;
    const std::string name = base::LowerAscii(html.substr(name_begin, j - name_begin));
    if (name.empty() && !closing && (j >= html.size() || (html[j] != '!' && html[j] != '?'))) {
      writer.Text("<");  // a '<' in text ("a < b"), not a tag
      ++i;
      continue;
    }
    const size_t end = TagEnd(html, j);
    if (end == std::string_view::npos) break;  // an unfinished tag ends the text
    i = end + 1;
    if (name == "br") {
      writer.LineBreak();
    } else if (name == "blockquote") {
      writer.BlockBreak();
      if (closing) {
        writer.LeaveQuote();
      } else {
        writer.EnterQuote();
      }
    } else if (IsBlock(name)) {
      writer.BlockBreak();
      if (name == "pre") pre_depth = std::max(0, pre_depth + (closing ? -1 : 1));
    } else if (name == "td" || name == "th") {
      writer.Space();
    } else if (IsDropped(name) && !closing && html[end - 1] != '/') {
      const size_t close = FindEndTag(html, i, name);
      i = close == std::string_view::npos ? html.size() : close;
    }
  }
  std::string text = writer.Take();
  return std::string(CutUtf8(text, max_bytes));
}

base::Result<std::string> FirstTextOf(std::string_view message) {
  GPtr<GMimeMessage> parsed = mime::ParseMessage(message);
  if (!parsed) return base::Invalid("the mail cannot be parsed as a message");
  TextParts found;
  FindTextParts(g_mime_message_get_mime_part(parsed.get()), found, 0);
  if (found.plain != nullptr) {
    // Twice the limit in decoded bytes: CRLF shrinks to LF, while a
    // single-byte charset only grows in UTF-8, so this is always enough.
    std::string text = PartText(found.plain, 2 * kMaxTextBytes);
    return std::string(CutUtf8(text, kMaxTextBytes));
  }
  if (found.html != nullptr) return HtmlToText(PartText(found.html, kMaxHtmlBytes), kMaxTextBytes);
  return std::string();
}

std::string SubjectOf(std::string_view message) {
  // Field by field through the header only (RFC 5322 section 2.2): a field
  // runs on over lines that start with a space or tab.
  size_t pos = 0;
  while (pos < message.size()) {
    size_t newline = message.find('\n', pos);
    size_t end = newline == std::string_view::npos ? message.size() : newline;
    std::string_view line = message.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the blank line that ends the header
    pos = newline == std::string_view::npos ? message.size() : newline + 1;
    // A line that starts with a blank continues the field before it: it
    // never starts one, whatever it holds (a folded DKIM-Signature's
    // "h=from : to :\r\n subject : date" is no Subject).
    if (line.front() == ' ' || line.front() == '\t') continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos ||
        base::LowerAscii(TrimBlanks(line.substr(0, colon))) != "subject") {
      continue;
    }
    std::string value(line.substr(colon + 1));
    while (pos < message.size() && (message[pos] == ' ' || message[pos] == '\t')) {
      newline = message.find('\n', pos);
      end = newline == std::string_view::npos ? message.size() : newline;
      std::string_view more = message.substr(pos, end - pos);
      if (!more.empty() && more.back() == '\r') more.remove_suffix(1);
      value += more;  // unfolding drops only the line break
      pos = newline == std::string_view::npos ? message.size() : newline + 1;
    }
    return std::string(TrimBlanks(ValidUtf8(mime::DecodeHeaderText(value))));
  }
  return std::string();
}

}  // namespace listd::inbound
