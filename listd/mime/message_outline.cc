// MessageOutline (see message_outline.h). The header section is read from
// the bytes as they are (fields unfolded per RFC 5322 section 2.2.3), the
// parts through GMime, which decodes transfer encodings and charsets.
#include "listd/mime/message_outline.h"

#include "listd/mime/gmime_support.h"

namespace listd::mime {
namespace {

// The header section's fields, unfolded, values RFC 2047-decoded.
std::vector<std::pair<std::string, std::string>> HeaderFields(std::string_view message) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t at = 0;
  std::string name;
  std::string value;
  auto flush = [&]() {
    if (!name.empty()) fields.emplace_back(name, DecodeHeaderText(value));
    name.clear();
    value.clear();
  };
  while (at < message.size()) {
    size_t end = message.find('\n', at);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = end + 1;
    if (line.empty()) break;  // the end of the header section
    if (line.front() == ' ' || line.front() == '\t') {
      value += ' ';
      value += line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    flush();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field: skipped
    name = std::string(line.substr(0, colon));
    std::string_view rest = line.substr(colon + 1);
    size_t first = rest.find_first_not_of(" \t");
    value = first == std::string_view::npos ? "" : std::string(rest.substr(first));
  }
  flush();
  return fields;
}

// The decoded content of a leaf part.
std::string DecodedContent(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return "";
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

void AddPart(GMimeObject*, GMimeObject* object, gpointer data) {
  auto* parts = static_cast<std::vector<OutlinePart>*>(data);
  if (parts->size() >= kMaxOutlineParts || !GMIME_IS_PART(object)) return;
  OutlinePart outline;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  GString mime_type(type != nullptr ? g_mime_content_type_get_mime_type(type) : nullptr);
  outline.content_type = mime_type ? std::string(mime_type.get()) : "text/plain";
  for (char& c : outline.content_type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (outline.content_type == "text/plain" && GMIME_IS_TEXT_PART(object)) {
    GString text(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
    std::string decoded = text ? std::string(text.get()) : "";
    outline.size = decoded.size();
    if (decoded.size() > kMaxOutlineText) {
      decoded.resize(kMaxOutlineText);
      outline.truncated = true;
    }
    outline.text = std::move(decoded);
  } else {
    outline.size = DecodedContent(GMIME_PART(object)).size();
  }
  parts->push_back(std::move(outline));
}

}  // namespace

MessageOutline OutlineMessage(std::string_view message) {
  MessageOutline outline;
  outline.headers = HeaderFields(message);
  GPtr<GMimeMessage> parsed = ParseMessage(message);
  if (parsed) g_mime_message_foreach(parsed.get(), AddPart, &outline.parts);
  // A message that is one leaf part: foreach visits its mime_part.
  return outline;
}

}  // namespace listd::mime
