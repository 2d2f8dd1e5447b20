// The machine's host name, as listd names itself where nothing was
// configured: the default authserv-id of Authentication-Results, the LMTP
// greeting and the EHLO to the smarthost.
#ifndef LISTD_LISTD_HOST_NAME_H_
#define LISTD_LISTD_HOST_NAME_H_

#include <string>

namespace listd {

// gethostname(2), or "localhost" when it gives nothing.
std::string HostName();

}  // namespace listd

#endif  // LISTD_LISTD_HOST_NAME_H_
