// header_edit: splice raw header fields.
//
// STANDARDS
//   RFC 5322 §2.1 (CRLF lines), §2.2 (fields, unfolding), §2.2.3 (a CRLF
//   inside a value only as a fold, before white space), §3.6.8 (field
//   names: printable US-ASCII but ':'), §3.2.5 and §4 (a generator never
//   writes the obsolete control characters), §2.1.1 (998-byte lines are
//   the caller's business: values are inserted as given).
// THE WRITER'S RULE
//   Every field added or rewritten here is checked before it is spliced
//   in: a value with a bare CR or LF, a CRLF that is not a fold, NUL or any
//   other control character than HTAB, or a name that is no field name, is
//   an Error (kind invalid) and nothing is written. Whatever a setting, a
//   list's name or a caller's bug holds, it cannot start a header field of
//   its own in a post the list signs.
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

base::Result<std::string> Join(const std::vector<FieldToAdd>& fields) {
  std::string out;
  for (const FieldToAdd& field : fields) {
    base::Status safe = CheckField(field.first, field.second);
    if (!safe) return safe.failure();
    out += FormatField(field);
  }
  return out;
}

}  // namespace

base::Status CheckField(std::string_view name, std::string_view raw_value) {
  if (name.empty()) return base::Invalid("a header field needs a name");
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') {
      return base::Invalid("'" + std::string(name) + "' is not a header field name (RFC 5322 " +
                           "section 3.6.8)");
    }
  }
  for (size_t i = 0; i < raw_value.size(); ++i) {
    const auto u = static_cast<unsigned char>(raw_value[i]);
    if (u == '\r' && i + 2 < raw_value.size() && raw_value[i + 1] == '\n' &&
        (raw_value[i + 2] == ' ' || raw_value[i + 2] == '\t')) {
      i += 2;  // a fold: CRLF before white space (RFC 5322 section 2.2.3)
      continue;
    }
    if (u == '\r' || u == '\n') {
      return base::Invalid("the " + std::string(name) +
                           " field's value holds a line break that is not a fold");
    }
    if ((u < 0x20 && u != '\t') || u == 0x7f) {
      return base::Invalid("the " + std::string(name) + " field's value holds a control character");
    }
  }
  return base::Ok();
}

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
  base::Result<std::string> joined = Join(fields);
  if (!joined) return joined.failure();
  return *joined + std::string(message);
}

base::Result<std::string> AppendFields(std::string_view message,
                                       const std::vector<FieldToAdd>& fields) {
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return header_end.failure();
  base::Result<std::string> joined = Join(fields);
  if (!joined) return joined.failure();
  std::string out(message.substr(0, *header_end));
  out += *joined;
  out.append(message.substr(*header_end));
  return out;
}

base::Result<std::string> ReplaceFieldValue(std::string_view message, std::string_view name,
                                            std::string_view new_raw_value) {
  base::Status safe = CheckField(name, new_raw_value);
  if (!safe) return safe.failure();
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
