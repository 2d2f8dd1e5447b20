// Base64Url: bytes as base64url without padding (RFC 4648 section 5), the
// alphabet of every token listd puts in a URL or an address (form tokens,
// member links): no '+', '/' or '=' to escape.
#ifndef LISTD_BASE_BASE64URL_H_
#define LISTD_BASE_BASE64URL_H_

#include <cstddef>
#include <string>

namespace base {

// The base64url text of `size` bytes at `bytes`, unpadded.
std::string Base64Url(const unsigned char* bytes, size_t size);

}  // namespace base

#endif  // LISTD_BASE_BASE64URL_H_
