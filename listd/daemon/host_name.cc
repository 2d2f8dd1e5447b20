// HostName (see host_name.h).
#include "listd/daemon/host_name.h"

#include <unistd.h>

namespace listd {

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace listd
