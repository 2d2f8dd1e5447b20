// header_edit: splice raw header fields.
//
// STANDARDS
//   RFC 5322 §2.1 (CRLF lines), §2.2 (fields, unfolding), §2.1.1 (998-byte
//   lines are the caller's business: values are inserted as given).
// LIMITS
//   None of its own; a header is scanned once per call.
#include "listd/mime/header_edit.h"

#include "base/ascii.h"

namespace listd::mime {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (base::LowerAscii(a[i]) != base::LowerAscii(b[i])) return false;
  }
  return true;
}

std::string Join(const std::vector<FieldToAdd>& fields) {
  std::string out;
  for (const FieldToAdd& field : fields) out += FormatField(field);
  return out;
}

}  // namespace

std::string FormatField(const FieldToAdd& field) {
  return field.first + ": " + field.second + "\r\n";
}

base::Result<size_t> FindHeaderEnd(std::string_view message) {
  if (message.substr(0, 2) == "\r\n") return size_t{0};
  size_t blank = message.find("\r\n\r\n");
  if (blank == std::string_view::npos) {
    return base::Error{"the message has no empty line between its header and its body"};
  }
  return blank + 2;
}

base::Result<std::vector<RawField>> ParseFields(std::string_view message) {
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return header_end.failure();
  std::vector<RawField> fields;
  size_t pos = 0;
  while (pos < *header_end) {
    // A field ends at the first CRLF not followed by a space or tab.
    size_t end = pos;
    while (true) {
      size_t crlf = message.find("\r\n", end);
      end = crlf + 2;
      if (end >= *header_end || (message[end] != ' ' && message[end] != '\t')) break;
    }
    std::string_view line = message.substr(pos, end - 2 - pos);
    RawField field;
    field.begin = pos;
    field.end = end;
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      // RFC 5322 section 4.5.8 (obsolete syntax, still to be read): white
      // space may stand between the name and the colon. "Reply-To :" is a
      // Reply-To to every reader, GMime and dkim/message.cc included, so it
      // must be one here too, or an edit would miss a field the list signs.
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      field.name = name;
      field.raw_value = line.substr(colon + 1);
    } else {
      field.raw_value = line;  // not a field; kept as bytes, matched by no name
    }
    fields.push_back(field);
    pos = end;
  }
  return fields;
}

std::optional<std::string> GetFieldValue(std::string_view message, std::string_view name) {
  base::Result<std::vector<RawField>> fields = ParseFields(message);
  if (!fields) return std::nullopt;
  for (const RawField& field : *fields) {
    if (SameName(field.name, name)) return std::string(field.raw_value);
  }
  return std::nullopt;
}

base::Result<std::string> RemoveFields(std::string_view message,
                                       const std::vector<std::string>& names) {
  base::Result<std::vector<RawField>> fields = ParseFields(message);
  if (!fields) return fields.failure();
  std::string out;
  out.reserve(message.size());
  size_t copied = 0;
  for (const RawField& field : *fields) {
    bool drop = false;
    for (const std::string& name : names) drop = drop || SameName(field.name, name);
    if (!drop) continue;
    out.append(message.substr(copied, field.begin - copied));
    copied = field.end;
  }
  out.append(message.substr(copied));
  return out;
}

base::Result<std::string> PrependFields(std::string_view message,
                                        const std::vector<FieldToAdd>& fields) {
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return header_end.failure();
  return Join(fields) + std::string(message);
}

base::Result<std::string> AppendFields(std::string_view message,
                                       const std::vector<FieldToAdd>& fields) {
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return header_end.failure();
  std::string out(message.substr(0, *header_end));
  out += Join(fields);
  out.append(message.substr(*header_end));
  return out;
}

base::Result<std::string> ReplaceFieldValue(std::string_view message, std::string_view name,
                                            std::string_view new_raw_value) {
  base::Result<std::vector<RawField>> fields = ParseFields(message);
  if (!fields) return fields.failure();
  for (const RawField& field : *fields) {
    if (!SameName(field.name, name)) continue;
    const size_t value_begin = static_cast<size_t>(field.raw_value.data() - message.data());
    std::string out(message.substr(0, value_begin));
    out += new_raw_value;
    out.append(message.substr(field.end - 2));
    return out;
  }
  return base::Error{"the message has no " + std::string(name) + " field to change"};
}

}  // namespace listd::mime
