// Run-time choice of the kernel table: the widest instruction set the CPU (and the OS, which must
// save the wide registers) supports, or a narrower one asked for by name (tests, benchmarks).
#include <cstring>

#include "kernels.h"

namespace qrun {

static bool CpuHasAvx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("bmi2");
#else
  return false;
#endif
}

static bool CpuHasAvx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

const KernelTable* SelectKernels(const char* wanted) {
  if (wanted == nullptr || std::strcmp(wanted, "auto") == 0 || wanted[0] == '\0') {
    if (CpuHasAvx512()) return &KernelsAvx512();
    if (CpuHasAvx2()) return &KernelsAvx2();
    return &KernelsGeneric();
  }
  if (std::strcmp(wanted, "avx512") == 0) return CpuHasAvx512() ? &KernelsAvx512() : nullptr;
  if (std::strcmp(wanted, "avx2") == 0) return CpuHasAvx2() ? &KernelsAvx2() : nullptr;
  if (std::strcmp(wanted, "generic") == 0) return &KernelsGeneric();
  return nullptr;
}

}  // namespace qrun
