// Subject tag: the "[demo] " a list puts in front of each post's Subject,
// the way Mailman 3 does it: at the very front (before any "Re:"), once.
//
// Contract: raw values are what follows "Subject:" up to (not including) the
// field's final CRLF; they may be folded and hold RFC 2047 encoded-words.
// The result is such a raw value too, ready for ReplaceFieldValue. The
// caller adds a Subject when the post has none (SubjectForMissing).
// Thread-safety: plain functions (GMime is started once, thread-safely).
#ifndef LISTD_LISTD_MIME_SUBJECT_TAG_H_
#define LISTD_LISTD_MIME_SUBJECT_TAG_H_

#include <string>
#include <string_view>

namespace listd::mime {

// The raw Subject value with `tag` in front, or unchanged if already tagged.
std::string TagSubject(std::string_view raw_value, std::string_view tag);

// The raw value for a post that had no Subject: " [tag] (no subject)".
std::string SubjectForMissing(std::string_view tag);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_SUBJECT_TAG_H_
