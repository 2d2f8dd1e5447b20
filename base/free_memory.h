// Giving freed memory back to the system.
//
// glibc's malloc keeps freed memory in its arenas (one per thread that
// allocated, up to 8 per core) for reuse, so after one 20 MB post the
// daemon went on holding hundreds of megabytes it no longer used. A worker
// that runs out of work calls ReleaseFreeMemory() before it idles:
// malloc_trim returns the free tops of every arena and, in their middle,
// the free pages (madvise), at a cost of a walk over the free lists.
#ifndef LISTD_BASE_FREE_MEMORY_H_
#define LISTD_BASE_FREE_MEMORY_H_

#include <cstddef>

namespace base {

// Returns the allocator's free memory to the system (malloc_trim(0)).
void ReleaseFreeMemory();

// Makes every allocation of `bytes` or more a mapping of its own, unmapped
// as soon as it is freed (mallopt M_MMAP_THRESHOLD). glibc otherwise raises
// that threshold to the largest block freed so far (up to 32 MB), after
// which one 20 MB post's buffers live on in the arenas. Call once, early.
void ReturnLargeBlocksAtOnce(size_t bytes = size_t{1} << 20);

}  // namespace base

#endif  // LISTD_BASE_FREE_MEMORY_H_
