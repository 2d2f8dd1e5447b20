// Raw header editing: the message header as the bytes that arrived, with
// fields removed, added or given a new value while every other byte stays
// where it was. DKIM verifies and signs exact header bytes (RFC 6376 §3.4),
// so nothing here re-serialises, re-folds or re-cases a field it was not
// asked to change.
//
// Contract: messages are CRLF text (RFC 5322 §2.1). Fields written are
// checked first (CheckField): no line break but a fold, no control
// character but HTAB, a valid name. A field is its name, a
// colon, and a raw value running to the CRLF that is not followed by white
// space; the raw value keeps its leading space and inner folds. Functions
// that need the header/body separator fail with an Error when there is none.
// Thread-safety: plain functions on values.
#ifndef LISTD_LISTD_MIME_HEADER_EDIT_H_
#define LISTD_LISTD_MIME_HEADER_EDIT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace listd::mime {

// One field in the raw header: byte offsets into the message.
struct RawField {
  std::string_view name;       // as written, without the colon or the WSP before it
  std::string_view raw_value;  // after the colon, without the final CRLF
  size_t begin = 0;            // first byte of the name
  size_t end = 0;              // one past the field's final CRLF
};

// A field to add: name and raw value; " " is put after the colon.
using FieldToAdd = std::pair<std::string, std::string>;

// Offset of the empty line ending the header (0 when the header is empty).
base::Result<size_t> FindHeaderEnd(std::string_view message);

// Every field of the header, in order (views into `message`).
base::Result<std::vector<RawField>> ParseFields(std::string_view message);

// The raw value of the first field named `name` (ASCII case-insensitive).
std::optional<std::string> GetFieldValue(std::string_view message, std::string_view name);

// `message` without any field whose name is in `names` (case-insensitive).
base::Result<std::string> RemoveFields(std::string_view message,
                                       const std::vector<std::string>& names);

// `message` with `fields` inserted, in order, before its first field.
base::Result<std::string> PrependFields(std::string_view message,
                                        const std::vector<FieldToAdd>& fields);

// `message` with `fields` inserted, in order, right before the empty line.
base::Result<std::string> AppendFields(std::string_view message,
                                       const std::vector<FieldToAdd>& fields);

// `message` with the first `name` field's raw value replaced; Error if absent.
base::Result<std::string> ReplaceFieldValue(std::string_view message, std::string_view name,
                                            std::string_view new_raw_value);

// Whether `name` and `raw_value` may be written as a field (see THE
// WRITER'S RULE in header_edit.cc): Ok, or an invalid error saying why.
// PrependFields, AppendFields and ReplaceFieldValue check every field.
base::Status CheckField(std::string_view name, std::string_view raw_value);

// "Name: value\r\n" for one field to add, unchecked (CheckField first).
std::string FormatField(const FieldToAdd& field);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_HEADER_EDIT_H_
