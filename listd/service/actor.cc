// UnixActor (see actor.h).
#include "listd/service/actor.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace listd::service {

std::string UnixActor(std::string_view program) {
  const uid_t uid = ::geteuid();
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return std::string(program) + ":" + found->pw_name;
  }
  return std::string(program) + ":" + std::to_string(uid);
}

}  // namespace listd::service
