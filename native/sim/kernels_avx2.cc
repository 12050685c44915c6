// The kernels compiled for AVX2 + FMA (x86-64-v3: Haswell, Zen 1 and later). kernels.cc only hands out this table when the CPU reports the
// features, so the shipped binary still runs on older CPUs. Elsewhere this is the generic table.
#include "kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,popcnt")
#endif

#define QRUN_PEXT 1
#define QRUN_NATIVE_BYTES 32
#define QRUN_KNS avx2
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
    "avx2",           avx2::DenseHighF64, avx2::DenseHighF32, avx2::DenseLowF64, avx2::DenseLowF32, avx2::PermHighF64, avx2::PermHighF32,
    avx2::DiagF64,    avx2::DiagF32,      avx2::PauliF64,     avx2::PauliF32, avx2::NormF64,
    avx2::NormF32,
};

const KernelTable& KernelsAvx2() { return kTable; }

}  // namespace qrun

#else

namespace qrun {
const KernelTable& KernelsAvx2() { return KernelsGeneric(); }
}  // namespace qrun

#endif
