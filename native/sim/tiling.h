// Cache tiling of a run of gates: instead of one sweep of the whole state per gate, the run is cut
// into tiles, each a set of gates that together touch at most `m` qubits (m chosen so that 2^m
// amplitudes fill half of a core's L2 cache). A tile is applied in one pass over memory: for every
// setting of the qubits outside the tile, the 2^m amplitudes it selects are gathered into a buffer,
// every gate of the tile runs on the buffer (in cache), and the buffer is written back. A brickwork
// layer touches every qubit, but most of its gates commute with the next layers' gates on other
// qubits, so a tile holds several layers' worth of gates and the state is read and written once per
// tile instead of once per fused gate.
//
// Gates are only moved across gates on disjoint qubits (the planner blocks a qubit as soon as a gate
// on it is left for a later tile), so the result is the same as applying them in program order.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "statevector.h"
#include "tile_plan.h"

namespace qrun {

// Qubits of a tile for precision T: 2^m amplitudes take 512 KiB.
template <typename T>
constexpr int TileQubits() {
  return sizeof(T) == 8 ? 15 : 16;
}

template <typename T>
class TiledRun {
 public:
  // `specs[i]` and `gates[i]` describe gate i of the run (the prepared gate on the whole state);
  // `m` is the tile's width in qubits.
  TiledRun(const std::vector<const GateSpec*>& specs, const std::vector<const PreparedGate<T>*>& gates, int n, int m);
  void Apply(Context& ctx, State<T>& state) const;
  int n() const { return n_; }
  size_t sweeps() const { return steps_.size(); }

 private:
  struct Step {
    const PreparedGate<T>* whole = nullptr;  // a gate applied on its own sweep, or
    std::vector<int> qubits;                  // a tile: its qubits (local qubit i <-> qubits[i])
    std::vector<std::unique_ptr<PreparedGate<T>>> local;  // its gates on local qubits
  };
  void ApplyTile(Context& ctx, State<T>& state, const Step& step) const;

  int n_;
  std::vector<Step> steps_;
};

}  // namespace qrun
