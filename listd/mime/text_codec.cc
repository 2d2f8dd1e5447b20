// text_codec: transfer encodings and charsets through GMime.
//
// STANDARDS
//   RFC 2045 §6 (7bit, 8bit, quoted-printable, base64), §6.7 (QP lines at
//   most 76 characters), §6.8 (base64 lines at most 76 characters, CRLF
//   canonical text), RFC 2046 §4.1.2 (charset parameter).
// LIMITS
//   None; whole bodies are converted in memory.
#include "listd/mime/text_codec.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "base/ascii.h"
#include "listd/mime/gmime_support.h"

namespace listd::mime {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string RunEncoding(std::string_view input, GMimeContentEncoding encoding, bool encode) {
  EnsureGMime();
  GMimeEncoding state;
  if (encode) {
    g_mime_encoding_init_encode(&state, encoding);
  } else {
    g_mime_encoding_init_decode(&state, encoding);
  }
  std::vector<char> out(g_mime_encoding_outlen(&state, input.size()) + 16);
  size_t written = g_mime_encoding_flush(&state, input.data(), input.size(), out.data());
  return std::string(out.data(), written);
}

}  // namespace

TransferEncoding ParseTransferEncoding(std::optional<std::string_view> raw_value) {
  if (!raw_value) return TransferEncoding::k7bit;
  std::string token = base::LowerAscii(Trim(*raw_value));
  if (token.empty() || token == "7bit") return TransferEncoding::k7bit;
  if (token == "8bit") return TransferEncoding::k8bit;
  if (token == "quoted-printable") return TransferEncoding::kQuotedPrintable;
  if (token == "base64") return TransferEncoding::kBase64;
  if (token == "binary") return TransferEncoding::kBinary;
  return TransferEncoding::kUnknown;
}

std::string TransferEncodingName(TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::k7bit:
      return "7bit";
    case TransferEncoding::k8bit:
      return "8bit";
    case TransferEncoding::kQuotedPrintable:
      return "quoted-printable";
    case TransferEncoding::kBase64:
      return "base64";
    case TransferEncoding::kBinary:
      return "binary";
    case TransferEncoding::kUnknown:
      break;
  }
  return "7bit";
}

std::optional<std::string> DecodeTransferEncoding(std::string_view body,
                                                  TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::k7bit:
    case TransferEncoding::k8bit:
    case TransferEncoding::kBinary:
      return std::string(body);
    case TransferEncoding::kQuotedPrintable:
      return RunEncoding(body, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, false);
    case TransferEncoding::kBase64:
      return RunEncoding(body, GMIME_CONTENT_ENCODING_BASE64, false);
    case TransferEncoding::kUnknown:
      break;
  }
  return std::nullopt;
}

std::string EncodeText(std::string_view lf_text, TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::kQuotedPrintable:
      // GMime's encoder writes LF; hard line breaks stay line breaks.
      return ToCrlf(RunEncoding(lf_text, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, true));
    case TransferEncoding::kBase64:
      return ToCrlf(RunEncoding(ToCrlf(lf_text), GMIME_CONTENT_ENCODING_BASE64, true));
    default:
      return ToCrlf(lf_text);
  }
}

std::optional<std::string> ConvertCharset(std::string_view bytes, const std::string& from,
                                          const std::string& to) {
  EnsureGMime();
  iconv_t cd = g_mime_iconv_open(to.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string in(bytes);
  std::string out;
  char* in_ptr = in.data();
  size_t in_left = in.size();
  std::vector<char> buffer(4096);
  bool ok = true;
  while (true) {
    char* out_ptr = buffer.data();
    size_t out_left = buffer.size();
    // A null input flushes the shift state once everything is converted.
    size_t rc = in_left > 0 ? iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left)
                            : iconv(cd, nullptr, nullptr, &out_ptr, &out_left);
    int saved_errno = errno;
    out.append(buffer.data(), buffer.size() - out_left);
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (saved_errno == E2BIG) continue;
    ok = false;  // EILSEQ or EINVAL: does not fit, or truncated input
    break;
  }
  g_mime_iconv_close(cd);
  if (!ok) return std::nullopt;
  return out;
}

std::string EncodeWordsUtf8(std::string_view utf8_text) {
  // "Q" rather than "B": decoders that join adjacent encoded-words of one
  // charset (GMime does, to mend split characters) would join base64 with
  // its "=" padding into garbage.
  constexpr size_t kMaxEncodedText = 75 - 12;  // RFC 2047 §2, minus "=?UTF-8?Q?" "?="
  std::vector<std::string> words(1);
  size_t pos = 0;
  while (pos < utf8_text.size()) {
    size_t next = pos + 1;
    while (next < utf8_text.size() &&
           (static_cast<unsigned char>(utf8_text[next]) & 0xC0) == 0x80) {
      ++next;  // one whole UTF-8 character per step (RFC 2047 §5(3))
    }
    std::string encoded;
    for (size_t i = pos; i < next; ++i) {
      char c = utf8_text[i];
      bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
      if (literal) {
        encoded += c;
      } else if (c == ' ') {
        encoded += '_';
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "=%02X", static_cast<unsigned char>(c));
        encoded += hex;
      }
    }
    if (words.back().size() + encoded.size() > kMaxEncodedText) words.emplace_back();
    words.back() += encoded;
    pos = next;
  }
  std::string out;
  for (const std::string& word : words) {
    if (word.empty()) continue;
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?Q?" + word + "?=";
  }
  return out;
}

bool IsAscii(std::string_view bytes) {
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool LinesFit(std::string_view text, size_t limit) {
  size_t line = 0;
  for (char c : text) {
    if (c == '\n') {
      line = 0;
    } else if (c != '\r' && ++line > limit) {
      return false;
    }
  }
  return true;
}

std::string ToLf(std::string_view crlf_text) {
  std::string out;
  out.reserve(crlf_text.size());
  for (size_t i = 0; i < crlf_text.size(); ++i) {
    if (crlf_text[i] == '\r' && i + 1 < crlf_text.size() && crlf_text[i + 1] == '\n') continue;
    out += crlf_text[i];
  }
  return out;
}

std::string ToCrlf(std::string_view lf_text) {
  std::string out;
  out.reserve(lf_text.size() + lf_text.size() / 32);
  for (size_t i = 0; i < lf_text.size(); ++i) {
    if (lf_text[i] == '\n') out += '\r';
    out += lf_text[i];
  }
  return out;
}

}  // namespace listd::mime
