// The largest message listd takes in, by default, whichever way it comes:
// LMTP (the daemon's --max-message-size, announced as SIZE, RFC 1870) and
// `listctl inject` (its own --max-message-size, the same default), so that
// the pipe transport is no way around the limit.
#ifndef LISTD_BASE_MESSAGE_LIMITS_H_
#define LISTD_BASE_MESSAGE_LIMITS_H_

#include <cstddef>

namespace base {

// 25 MiB, as the daemon's --max-message-size defaults to.
inline constexpr std::size_t kDefaultMaxMessageBytes = 25 * 1024 * 1024;

}  // namespace base

#endif  // LISTD_BASE_MESSAGE_LIMITS_H_
