// The HTTP status of each error kind (base/result.h), the same for the
// REST API and for pages.
#ifndef LISTD_WEB_HTTP_STATUS_H_
#define LISTD_WEB_HTTP_STATUS_H_

#include "base/result.h"

namespace web {

// invalid 400, forbidden 403, not_found 404, conflict 409, unavailable
// 503, internal 500.
int HttpStatusOf(base::ErrorKind kind);

}  // namespace web

#endif  // LISTD_WEB_HTTP_STATUS_H_
