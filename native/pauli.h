// Exact expectation values of Pauli strings on a statevector.
#pragma once

#include <vector>

#include "statevector.h"

namespace qrun {

// out[i] = <psi| P_i |psi> for P = i^ny X^x Z^z. Many Paulis on a cache-sized state are spread over
// the threads one Pauli each; a few Paulis on a large state are each split over the threads.
template <typename T>
void PauliExpectations(Context& ctx, const State<T>& state, const std::vector<PauliMasks>& paulis, double* out);

}  // namespace qrun
