#include "tile_plan.h"

#include <cstddef>
#include <cstdint>

namespace qrun {

std::vector<TilePlan> PlanTiles(const std::vector<std::vector<int>>& gate_qubits, int n, int tile_qubits, int run_qubits) {
  std::vector<TilePlan> plans;
  std::vector<int> remaining(gate_qubits.size());
  for (size_t i = 0; i < remaining.size(); ++i) remaining[i] = int(i);
  const uint64_t all = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  const uint64_t runs = (uint64_t{1} << run_qubits) - 1;
  std::vector<int> rest;
  while (!remaining.empty()) {
    TilePlan plan;
    uint64_t in_tile = runs;
    uint64_t blocked = 0;
    int size = run_qubits;
    rest.clear();
    size_t i = 0;
    for (; i < remaining.size(); ++i) {
      const int g = remaining[i];
      uint64_t mask = 0;
      for (int q : gate_qubits[size_t(g)]) mask |= uint64_t{1} << q;
      const int grow = __builtin_popcountll(mask & ~in_tile);
      if ((mask & blocked) == 0 && size + grow <= tile_qubits) {
        in_tile |= mask;
        size += grow;
        plan.gates.push_back(g);
      } else {
        blocked |= mask;
        rest.push_back(g);
        // Every qubit is in the tile or blocked, and the tile is full: nothing later can join.
        if (((in_tile | blocked) & all) == all && size == tile_qubits) {
          ++i;
          break;
        }
      }
    }
    rest.insert(rest.end(), remaining.begin() + long(i), remaining.end());
    if (plan.gates.empty()) {
      // The first gate does not fit a tile at all: it gets a sweep of its own.
      plan.gates.push_back(rest.front());
      for (int q : gate_qubits[size_t(rest.front())]) in_tile |= uint64_t{1} << q;
      rest.erase(rest.begin());
    }
    for (int q = 0; q < n; ++q)
      if (in_tile >> q & 1) plan.qubits.push_back(q);
    plans.push_back(std::move(plan));
    remaining.swap(rest);
  }
  return plans;
}

}  // namespace qrun
