// HttpStatusOf (see http_status.h).
#include "web/http_status.h"

namespace web {

int HttpStatusOf(base::ErrorKind kind) {
  switch (kind) {
    case base::ErrorKind::kInvalid:
      return 400;
    case base::ErrorKind::kForbidden:
      return 403;
    case base::ErrorKind::kNotFound:
      return 404;
    case base::ErrorKind::kConflict:
      return 409;
    case base::ErrorKind::kUnavailable:
      return 503;
    case base::ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace web
