// What the CPU can do, asked once: the byte scanners of canonicalization and
// intake use AVX2 where it exists and SSE2 (every x86-64) otherwise.
#ifndef LISTD_DKIM_CPU_H_
#define LISTD_DKIM_CPU_H_

namespace dkim {

// True when the CPU runs AVX2 instructions (always false off x86-64).
inline bool CpuHasAvx2() {
#if defined(__x86_64__)
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
#else
  return false;
#endif
}

}  // namespace dkim

#endif  // LISTD_DKIM_CPU_H_
