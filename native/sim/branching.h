// Shot branching for dynamic circuits: each distinct outcome path simulated once, the shots split
// binomially at every uncertain outcome. The algorithm, its merges, its memory bound and its draw
// order are those of src/sim/branching.ts and src/sim/binomial.ts, draw for draw, so both engines
// return the same shots for a seed.
#pragma once

#include <cstdint>

#include "program.h"
#include "rng.h"

namespace qrun {

struct BranchingOptions {
  uint64_t shots = 0;
  uint32_t bytes_per_shot = 0;
  const double* readout = nullptr;  // nullptr, or {p01, p10}
  uint64_t max_states = 2;          // states that may exist at once, at least 2
};

// Bin(n, p) from `rng` (src/sim/binomial.ts).
uint64_t Binomial(uint64_t n, double p, Xoshiro128& rng);

// Runs `program` on `num_qubits` from |0...0> and fills `memory` (shots records); returns the number
// of paths simulated.
template <typename T>
uint64_t RunBranching(Context& ctx, const Program<T>& program, int num_qubits, const BranchingOptions& options, Xoshiro128& rng,
                      uint8_t* memory);

}  // namespace qrun
