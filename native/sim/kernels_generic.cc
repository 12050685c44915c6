// The kernels for the baseline instruction set of the target (SSE2 on x86-64): always runnable.
#include "kernels.h"

#define QRUN_NATIVE_BYTES 16
#define QRUN_KNS generic
#include "kernels_impl.h"
#undef QRUN_NATIVE_BYTES

namespace qrun {

static const KernelTable kGenericTable = {
    "generic",         generic::DenseHighF64, generic::DenseHighF32, generic::DenseLowF64, generic::DenseLowF32, generic::PermHighF64, generic::PermHighF32,
    generic::DiagF64,  generic::DiagF32,      generic::PauliF64,     generic::PauliF32, generic::NormF64,
    generic::NormF32,
};

const KernelTable& KernelsGeneric() { return kGenericTable; }

}  // namespace qrun
