// The plan of a cache-tiled gate run (tiling.h): which gates go together into which tile. Pure
// bookkeeping over qubit sets, kept apart from the state so it can be checked on its own.
#pragma once

#include <vector>

namespace qrun {

// One tile of the plan: the gates (indices into the run, in the order they are applied) and the
// qubits they touch, ascending, always including qubits 0..run_qubits-1.
struct TilePlan {
  std::vector<int> gates;
  std::vector<int> qubits;
};

// Greedy plan: scan the remaining gates in order, take each gate whose qubits are not blocked and
// fit in the tile, block the qubits of every gate left behind; repeat until no gate remains.
std::vector<TilePlan> PlanTiles(const std::vector<std::vector<int>>& gate_qubits, int n, int tile_qubits, int run_qubits);

}  // namespace qrun
