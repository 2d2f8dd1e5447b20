// MIME boundaries for the multiparts listd builds around a post (the
// footer's wrap, DMARC's wrap). RFC 2046 section 5.1.1: the boundary must
// not occur in the encapsulated parts; it is checked against the whole
// message. It derives from a hash of the message rather than randomness,
// so the same post always gets the same boundary and tests are
// deterministic.
#ifndef LISTD_LISTD_MIME_BOUNDARY_H_
#define LISTD_LISTD_MIME_BOUNDARY_H_

#include <string>
#include <string_view>

namespace listd::mime {

// A boundary ("=_listd_" and 16 hex digits) that does not occur in `message`.
std::string FreshBoundary(std::string_view message);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_BOUNDARY_H_
