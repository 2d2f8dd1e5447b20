// dkim's names for base::Result and friends (see base/result.h).
#ifndef LISTD_DKIM_RESULT_H_
#define LISTD_DKIM_RESULT_H_

#include "base/result.h"

namespace dkim {
using base::Done;
using base::Error;
using base::Ok;
using base::Result;
using base::Status;
}  // namespace dkim

#endif  // LISTD_DKIM_RESULT_H_
