// A circuit as the native side runs it: the compact instruction list built by src/native/lower.ts
// (gates already bound, fused and analysed into dense / diagonal / permutation), parsed once and
// prepared for one precision, then executed per shot or trajectory with the same random-number
// use as the TypeScript engine (src/sim/engine.ts, run.ts, noise.ts).
//
// Encoding. `code` is a sequence of int32 records, `data` holds the float64 payloads:
//   1 DENSE   k q0..q(k-1) off    data[off..]: 4^k complex, row-major, index bit j <-> qj
//   2 DIAG    k q0..q(k-1) off    data[off..]: 2^k complex
//   3 PERM    k q0..q(k-1) off    data[off..]: per column c: row, re, im
//   4 MEASURE q clbit
//   5 RESET   q
//   6 IF      nbits off skip c0..c(nbits-1)   data[off] = value; when false skip `skip` records
//   7 JUMP    skip
//   8 DEPOL   k q0..q(k-1) off    data[off] = p
//   9 DAMP    q off               data[off] = gamma
//  10 LIMIT   iterations line column   a while loop still running after its last allowed iteration:
//                                      the shot fails with QASM_LOOP_LIMIT (src/qasm/lower.ts)
//  11 SET     clbit bit           a measurement decided before the run (src/sim/compact.ts)
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "rng.h"
#include "statevector.h"
#include "tiling.h"

namespace qrun {

struct Instr {
  enum Op { kGate, kMeasure, kReset, kIf, kJump, kDepolarize, kDamp, kLoopLimit, kSet } op;
  int gate = -1;  // index into the prepared gates
  int qubit = 0;  // LIMIT: the loop's line
  int clbit = 0;  // LIMIT: the loop's column
  int skip = 0;
  double value = 0;  // IF: the compared value; DEPOL: p; DAMP: gamma; SET: the bit
  // A top-level MEASURE or SET that nothing after it depends on: shot branching draws it from each
  // branch's final state (src/sim/branching.ts deferredMeasurements, the same rule).
  bool deferred = false;
  std::vector<int> list;  // IF: clbits; DEPOL: qubits
};

struct ParsedProgram {
  int num_qubits = 0;
  std::vector<Instr> instrs;
  std::vector<GateSpec> gates;
  bool needs_paulis = false;
};

// Validates and parses the encoding; throws Error("INTERNAL") on a malformed program.
ParsedProgram ParseProgram(const std::vector<int32_t>& code, const std::vector<double>& data, int num_qubits,
                           int num_clbits);

template <typename T>
class Program {
 public:
  // tile_qubits: -1 = TileQubits<T>(), 0 = every gate its own sweep (see tiling.h).
  Program(const ParsedProgram& parsed, int tile_qubits);
  const std::vector<Instr>& instrs() const { return instrs_; }
  // Number of leading gate instructions (the part shared by every shot).
  size_t UnitaryPrefix() const;

  // Applies the leading gates [0, end).
  void ApplyGates(Context& ctx, State<T>& state, size_t end) const;
  // Applies one gate instruction's prepared gate.
  void ApplyGate(Context& ctx, State<T>& state, const Instr& ins) const { gates_[ins.gate]->Apply(ctx, state); }

  struct Shot {
    Xoshiro128* rng;
    const double* readout;  // nullptr, or {p01, p10}
    uint8_t* record;        // this shot's classical bits
    bool skip_measure;
  };
  // Executes instructions [from, end) for one shot.
  void Execute(Context& ctx, State<T>& state, size_t from, Shot& shot) const;

 private:
  int Measure(Context& ctx, State<T>& state, int q, Xoshiro128& rng) const;

  std::vector<Instr> instrs_;
  std::vector<std::unique_ptr<PreparedGate<T>>> gates_;
  std::vector<std::unique_ptr<PreparedGate<T>>> paulis_;  // [3 * q + (X, Y, Z)] for depolarizing
  // The unitary prefix cut into cache tiles (tiling.h), used when ApplyGates runs exactly that prefix.
  size_t prefix_ = 0;
  std::unique_ptr<TiledRun<T>> tiled_prefix_;
};

}  // namespace qrun
