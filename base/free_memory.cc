// base/free_memory.h over glibc's malloc_trim(3).
#include "base/free_memory.h"

#include <malloc.h>

namespace base {

void ReleaseFreeMemory() { malloc_trim(0); }

void ReturnLargeBlocksAtOnce(size_t bytes) {
  // Setting the threshold also turns glibc's dynamic adjustment off.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes));
}

}  // namespace base
