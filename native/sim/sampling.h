// Drawing every shot of a circuit whose measurements are all terminal from its one final state.
#pragma once

#include <cstdint>
#include <vector>

#include "rng.h"
#include "statevector.h"

namespace qrun {

struct MeasureTarget {
  int qubit;
  int clbit;
};

// Draws `shots` basis indices from the state's distribution in i.i.d. order, drawing from `rng` as
// src/sim/measure.ts sampleIndices does (shots + 1 spacings, shots - 1 for the shuffle). Overwrites
// the state with the cumulative distribution.
template <typename T>
std::vector<uint64_t> DrawIndices(Context& ctx, State<T>& state, Xoshiro128& rng, uint64_t shots);

// Fills `memory` (shots records of bytes_per_shot) exactly as the TypeScript engine does for the
// same seed (src/sim/engine.ts, measure.ts sampleIndices): shots + 1 exponential spacings give sorted
// uniforms, one walk of the cumulative distribution turns them into basis states, a Fisher-Yates
// shuffle puts them in i.i.d. order, then, with a readout model, one uniform per measurement flips
// bits shot by shot. Overwrites the state with the cumulative distribution.
template <typename T>
void SampleTerminal(Context& ctx, State<T>& state, const std::vector<MeasureTarget>& targets, const uint32_t seed[4],
                    const double* readout, uint64_t shots, uint32_t bytes_per_shot, uint8_t* memory);

}  // namespace qrun
