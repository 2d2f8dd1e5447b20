// Text codecs for the footer: Content-Transfer-Encoding decode/encode and
// strict charset conversion, both done by GMime (its encoders and its
// charset-name mapping in front of iconv). Internal to listd/mime.
//
// Contract: "text" here is line-oriented with LF line ends; encoders turn it
// into CRLF wire form (RFC 2045 §6.8: text is canonical CRLF before base64).
// Conversions are strict: a byte sequence that does not fit yields nullopt,
// never a replacement character. Thread-safety: plain functions.
#ifndef LISTD_LISTD_MIME_TEXT_CODEC_H_
#define LISTD_LISTD_MIME_TEXT_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

namespace listd::mime {

enum class TransferEncoding { k7bit, k8bit, kQuotedPrintable, kBase64, kBinary, kUnknown };

// The encoding named by a raw Content-Transfer-Encoding value (absent = 7bit).
TransferEncoding ParseTransferEncoding(std::optional<std::string_view> raw_value);

// The token to write in Content-Transfer-Encoding for `encoding`.
std::string TransferEncodingName(TransferEncoding encoding);

// The body's bytes with its transfer encoding undone; nullopt for kUnknown.
std::optional<std::string> DecodeTransferEncoding(std::string_view body, TransferEncoding encoding);

// LF-text encoded for the wire with CRLF line ends (QP and base64 lines <= 76).
std::string EncodeText(std::string_view lf_text, TransferEncoding encoding);

// `bytes` converted from charset `from` to `to`; nullopt if unknown or lossy.
std::optional<std::string> ConvertCharset(std::string_view bytes, const std::string& from,
                                          const std::string& to);

// UTF-8 text as RFC 2047 "Q" encoded-words of at most 75 characters, split
// between characters, joined by spaces; safe in phrases too (§5(3)).
std::string EncodeWordsUtf8(std::string_view utf8_text);

// True when every byte is below 0x80.
bool IsAscii(std::string_view bytes);

// True when no line is longer than `limit` bytes (line ends not counted).
bool LinesFit(std::string_view text, size_t limit);

// CRLF line ends turned into LF.
std::string ToLf(std::string_view crlf_text);

// Every LF turned into CRLF (ToCrlf(ToLf(x)) == x for any CRLF text x).
std::string ToCrlf(std::string_view lf_text);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_TEXT_CODEC_H_
