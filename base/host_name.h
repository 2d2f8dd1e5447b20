// The machine's host name, as listd names itself where nothing was
// configured: the default authserv-id of Authentication-Results, the LMTP
// greeting and the EHLO to the smarthost.
#ifndef LISTD_BASE_HOST_NAME_H_
#define LISTD_BASE_HOST_NAME_H_

#include <string>

namespace base {

// gethostname(2), or "localhost" when it gives nothing.
std::string HostName();

}  // namespace base

#endif  // LISTD_BASE_HOST_NAME_H_
