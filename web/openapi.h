// The REST API's OpenAPI 3 document (web/openapi.json), compiled into the
// program so the server serves the document of the routes it was built
// with (Server::SetOpenApi, GET /api/v1/openapi.json).
#ifndef LISTD_WEB_OPENAPI_H_
#define LISTD_WEB_OPENAPI_H_

#include <string_view>

namespace web {

// web/openapi.json as it was when this program was built.
std::string_view OpenApiDocument();

}  // namespace web

#endif  // LISTD_WEB_OPENAPI_H_
