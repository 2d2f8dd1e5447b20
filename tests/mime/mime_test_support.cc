#include "mime_test_support.h"

#include <catch2/catch.hpp>

#include <optional>

#include "listd/mime/gmime_support.h"
#include "listd/mime/header_edit.h"
#include "listd/mime/text_codec.h"

namespace listd::mime::testing {
namespace {

void Walk(GMimeObject* object, std::vector<DecodedPart>& out) {
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
      Walk(g_mime_multipart_get_part(multipart, i), out);
    }
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    REQUIRE(inner != nullptr);
    Walk(g_mime_message_get_mime_part(inner), out);
    return;
  }
  REQUIRE(GMIME_IS_PART(object));
  GMimeContentType* type = g_mime_object_get_content_type(object);
  DecodedPart part;
  GString mime_type(g_mime_content_type_get_mime_type(type));
  part.mime_type = mime_type.get();
  const char* charset = g_mime_content_type_get_parameter(type, "charset");
  part.charset = charset ? charset : "";
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
  REQUIRE(content != nullptr);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  REQUIRE(g_mime_data_wrapper_write_to_stream(content, stream.get()) >= 0);
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  part.bytes.assign(reinterpret_cast<const char*>(array->data), array->len);
  part.decoded_ok = true;
  if (g_mime_content_type_is_type(type, "text", "*")) {
    std::string name = part.charset.empty() ? "us-ascii" : part.charset;
    std::optional<std::string> utf8 = ConvertCharset(part.bytes, name, "utf-8");
    // A charset iconv does not know cannot be checked; it is not an error.
    bool known = ConvertCharset("", name, "utf-8").has_value();
    part.decoded_ok = utf8.has_value() || !known;
    part.utf8 = utf8.value_or("");
  }
  out.push_back(std::move(part));
}

}  // namespace

std::string Crlf(std::string_view lf_text) { return ToCrlf(lf_text); }

std::vector<DecodedPart> LeafParts(const std::string& message) {
  GPtr<GMimeMessage> parsed = ParseMessage(message);
  REQUIRE(parsed != nullptr);
  std::vector<DecodedPart> parts;
  Walk(g_mime_message_get_mime_part(parsed.get()), parts);
  return parts;
}

void CheckRoundTrip(const std::string& message) {
  INFO(message);
  for (const DecodedPart& part : LeafParts(message)) {
    INFO(part.mime_type << "; charset=" << part.charset);
    CHECK(part.decoded_ok);
  }
  size_t line = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      CHECK((i > 0 && message[i - 1] == '\r'));
      line = 0;
    } else if (message[i] != '\r') {
      ++line;
      CHECK(line <= 998);
    }
  }
}

std::string HeaderOf(const std::string& message) {
  base::Result<size_t> end = FindHeaderEnd(message);
  REQUIRE(end.ok());
  return message.substr(0, *end + 2);
}

std::vector<std::string> HeaderLines(const std::string& message) {
  std::string header = HeaderOf(message);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos + 2 < header.size()) {
    size_t crlf = header.find("\r\n", pos);
    lines.push_back(header.substr(pos, crlf - pos));
    pos = crlf + 2;
  }
  return lines;
}

std::string DecodedSubject(const std::string& message) {
  std::optional<std::string> raw = GetFieldValue(message, "Subject");
  REQUIRE(raw.has_value());
  std::string decoded = DecodeHeaderText(*raw);
  size_t start = decoded.find_first_not_of(" \t");
  return start == std::string::npos ? "" : decoded.substr(start);
}

}  // namespace listd::mime::testing
