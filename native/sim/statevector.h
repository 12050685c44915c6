// The statevector and the operations on it: gate preparation (sorting qubits, splitting them into
// low and high, building coefficient tables for the kernels), gate application through the selected
// kernel table and the thread pool, and the non-unitary steps (probabilities, collapse, reset,
// amplitude damping) that shot-by-shot runs need.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels.h"
#include "memory.h"
#include "thread_pool.h"

namespace qrun {

struct Context {
  ThreadPool& pool;
  const KernelTable& kernels;
};

// A gate as the TypeScript side hands it over, in float64: bit j of a matrix index <-> qubits[j].
struct GateSpec {
  enum Kind { kDense, kDiagonal, kPermutation } kind = kDense;
  std::vector<int> qubits;
  // dense: 4^k complex (row-major, interleaved); diagonal: 2^k complex;
  // permutation: column c has phase[c] at row perm[c].
  std::vector<double> values;
  std::vector<int> perm;
};

template <typename T>
class State {
 public:
  // Allocates |0...0>, touching every page from the pool's threads so the page faults are taken in
  // parallel now rather than one by one inside the first gate.
  State(Context& ctx, int n);
  int n() const { return n_; }
  int nv() const { return nv_; }                     // log2 of the number of 64-byte vectors
  uint64_t size() const { return uint64_t{1} << n_; }  // amplitudes of the n-qubit state
  T* data() const { return static_cast<T*>(buffer_.data()); }
  void SetBasisZero(Context& ctx);
  void CopyFrom(Context& ctx, const State& other);

 private:
  int n_;
  int nv_;
  uint64_t stored_;  // amplitudes allocated: at least one vector
  AlignedBuffer buffer_;
};

// A gate prepared for one precision; immutable, reusable for every shot.
template <typename T>
class PreparedGate {
 public:
  explicit PreparedGate(const GateSpec& spec);
  void Apply(Context& ctx, State<T>& state) const;
  // Applies the gate on the calling thread to a buffer of 2^n amplitudes (a tile, see tiling.h).
  void ApplySerial(const KernelTable& kernels, T* psi, int n) const;
  const char* kernel() const;

 private:
  void BuildDiag(const std::vector<int>& sorted, const std::vector<double>& diag);
  void BuildMatrix(const std::vector<int>& sorted, const std::vector<double>& m);

  enum { kDenseHigh, kDenseLow, kPermHigh, kDiag } kind_;
  DenseHigh<T> dense_{};
  PermHigh<T> perm_{};
  DenseLow<T> low_{};
  Diag<T> diag_{};
  AlignedBuffer coef_;
};

// [P(q = 0), P(q = 1)], summed in a fixed order so the result does not depend on the thread count.
template <typename T>
void QubitProbabilities(Context& ctx, const State<T>& state, int q, double out[2]);

// |<psi0|psi1>|^2 of the q = 0 and q = 1 halves (P(0) P(1) exactly when q is not entangled), summed
// in a fixed order like QubitProbabilities.
template <typename T>
double HalvesOverlap(Context& ctx, const State<T>& state, int q);

// Keeps the half of the state where qubit q == outcome, scaled by `scale`; zeroes the other half.
template <typename T>
void Project(Context& ctx, State<T>& state, int q, int outcome, double scale);

// Moves the q = 1 half onto the q = 0 half (scaled) and zeroes the q = 1 half.
template <typename T>
void MoveOneToZero(Context& ctx, State<T>& state, int q, double scale);

// Scales the q = 0 half by a and the q = 1 half by b.
template <typename T>
void ScaleHalves(Context& ctx, State<T>& state, int q, double a, double b);

// sum |psi|^2.
template <typename T>
double Norm(Context& ctx, const State<T>& state);

}  // namespace qrun
