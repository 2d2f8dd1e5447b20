// GMime plumbing shared by listd_mime's files: one-time library start-up and
// RAII owners for the GObject and g_malloc'd values GMime hands out.
//
// Contract: call EnsureGMime() before any GMime call; it is cheap after the
// first time and safe from any thread. Internal to listd/mime (not part of
// its public API, but tests use it to parse what the library produced).
#ifndef LISTD_LISTD_MIME_GMIME_SUPPORT_H_
#define LISTD_LISTD_MIME_GMIME_SUPPORT_H_

#include <gmime/gmime.h>

#include <memory>
#include <string>
#include <string_view>

namespace listd::mime {

// Runs g_mime_init() exactly once per process (std::call_once).
void EnsureGMime();

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};

// Owns one reference to a GObject-derived GMime value.
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;
// Owns a g_malloc'd string.
using GString = std::unique_ptr<char, GFree>;

// Parses `message` as a whole message; nullptr when GMime cannot.
GPtr<GMimeMessage> ParseMessage(std::string_view message);

// Parses a raw Content-Type value (may be folded); nullptr when empty.
GPtr<GMimeContentType> ParseContentType(std::string_view raw_value);

// The RFC 2047 decoded text (UTF-8) of a raw unstructured field value.
std::string DecodeHeaderText(std::string_view raw_value);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_GMIME_SUPPORT_H_
