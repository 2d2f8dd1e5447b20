#include "listd/mime/gmime_support.h"

#include <mutex>

namespace listd::mime {

void EnsureGMime() {
  static std::once_flag once;
  // GMime is never shut down: other threads may still hold its objects.
  std::call_once(once, [] { g_mime_init(); });
}

GPtr<GMimeMessage> ParseMessage(std::string_view message) {
  EnsureGMime();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

GPtr<GMimeContentType> ParseContentType(std::string_view raw_value) {
  EnsureGMime();
  std::string value(raw_value);
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
  return GPtr<GMimeContentType>(g_mime_content_type_parse(nullptr, value.c_str()));
}

std::string DecodeHeaderText(std::string_view raw_value) {
  EnsureGMime();
  // Unfold first (RFC 5322 §2.2.3): a fold is a CRLF before white space.
  std::string value;
  for (size_t i = 0; i < raw_value.size(); ++i) {
    if (raw_value[i] == '\r' && i + 1 < raw_value.size() && raw_value[i + 1] == '\n') {
      ++i;
      continue;
    }
    value += raw_value[i];
  }
  GString decoded(g_mime_utils_header_decode_text(nullptr, value.c_str()));
  return decoded ? std::string(decoded.get()) : value;
}

}  // namespace listd::mime
