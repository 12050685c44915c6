// The kernels compiled for AVX-512 F/DQ/BW/VL (x86-64-v4: Skylake-SP, Ice Lake, Zen 4 and later). kernels.cc only hands out this table when the CPU reports the
// features, so the shipped binary still runs on older CPUs. Elsewhere this is the generic table.
#include "kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,bmi,bmi2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,bmi,bmi2,popcnt")
#endif

#define QRUN_PEXT 1
#define QRUN_KNS avx512
#include "kernels_impl.h"
#undef QRUN_NATIVE_BYTES
#undef QRUN_PEXT

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace qrun {

static const KernelTable kTable = {
    "avx512",           avx512::DenseHighF64, avx512::DenseHighF32, avx512::DenseLowF64, avx512::DenseLowF32, avx512::PermHighF64, avx512::PermHighF32,
    avx512::DiagF64,    avx512::DiagF32,      avx512::PauliF64,     avx512::PauliF32, avx512::NormF64,
    avx512::NormF32,
};

const KernelTable& KernelsAvx512() { return kTable; }

}  // namespace qrun

#else

namespace qrun {
const KernelTable& KernelsAvx512() { return KernelsGeneric(); }
}  // namespace qrun

#endif
