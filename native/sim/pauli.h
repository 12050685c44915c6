// Exact expectation values of Pauli strings on a statevector.
#pragma once

#include <vector>

#include "statevector.h"

namespace qrun {

// out[i] = <psi| P_i |psi> for P = i^ny X^x Z^z. Many Paulis on a cache-sized state are spread over
// the threads one Pauli each; a few Paulis on a large state are each split over the threads.
template <typename T>
void PauliExpectations(Context& ctx, const State<T>& state, const std::vector<PauliMasks>& paulis, double* out);

// What a readout-noisy measurement of each Pauli would report on average (src/sim/readout.ts): the
// state is rotated into the Pauli's basis on `scratch` (H for X, H.S^dagger for Y) and the
// probabilities are weighted by (1 - 2 p01)^(|S| - k) (-(1 - 2 p10))^k, k = ones in the support S.
template <typename T>
void ReadoutExpectations(Context& ctx, const State<T>& state, State<T>& scratch, const std::vector<PauliMasks>& paulis,
                         const double readout[2], double* out);

}  // namespace qrun
