// The statevector kernels' contract: prepared gate descriptions and the per-ISA function table.
//
// Layout: amplitudes are interleaved complex (re, im), qubit 0 is the least significant index bit
// (the same layout as the TypeScript engine). The kernels see the state as a sequence of 64-byte
// vectors: 4 complex128 or 8 complex64 amplitudes each, so the lowest LB qubits (LB = 2 or 3) live
// inside a vector ("low" qubits) and the others select vectors ("high" qubits). A gate on high
// qubits only combines whole vectors; a gate touching low qubits also permutes lanes inside them.
//
// The bodies live in kernels_impl.h and are compiled once per instruction set (kernels_avx512.cc,
// kernels_avx2.cc, kernels_generic.cc); kernels.cc picks a table at run time from the CPU's
// features, so one prebuilt binary runs on any x86-64 (or other) CPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrun {

constexpr int kMaxGateQubits = 6;     // largest dense gate the kernels take (2^6 x 2^6)
constexpr int kMaxDiagQubits = 16;    // largest diagonal the kernels take
constexpr int kVectorBytes = 64;

template <typename T>
constexpr int LowBits() {
  return sizeof(T) == 8 ? 2 : 3;  // log2(complex amplitudes per 64-byte vector)
}

// A dense gate whose qubits are all high: y_r = sum_c M[r][c] x_c over whole vectors.
// `hq` are the gate's qubits minus LB, ascending; M is row-major with index bit b <-> hq[b].
template <typename T>
struct DenseHigh {
  int k;
  int hq[kMaxGateQubits];
  const T* mr;  // real parts, 2^k * 2^k
  const T* mi;  // imaginary parts
};

// A gate (dense or permutation) touching low qubits. With L of its qubits below LB, the output
// vector r is sum over the 2^nh input vectors h and the S = 2^L lane shifts s of
// C[r][h][s] (.) lanes_xor(x_h, shifts[s]), where lanes_xor moves complex lane l to l ^ shift and C
// is a per-lane complex coefficient stored as two vectors: real parts and imaginary parts, each
// duplicated over a lane's (re, im) pair.
template <typename T>
struct DenseLow {
  int nh;                  // number of high qubits
  int hq[kMaxGateQubits];  // high qubits minus LB, ascending
  int nshift;              // S = 2^L
  int shifts[8];           // every subset of the gate's low-qubit lane mask
  const T* coef;           // [(r * 2^nh + h) * S + s] -> 2 vectors
};

// A permutation with phases on high qubits only: output vector r is phase[r] * input vector src[r].
// Pure data movement plus one complex scale; cx, swap, ccx and fused permutation blocks.
template <typename T>
struct PermHigh {
  int k;
  int hq[kMaxGateQubits];
  int src[1 << kMaxGateQubits];
  T pr[1 << kMaxGateQubits];
  T pi[1 << kMaxGateQubits];
};

// A diagonal: every amplitude is multiplied by d[index bits at the gate's qubits]. Stored per
// high-qubit combination as two vectors (re lanes, signed im lanes) that carry the low-qubit part.
template <typename T>
struct Diag {
  int nh;
  int hq[kMaxDiagQubits];
  const T* coef;  // 2^nh * 2 vectors
};

// A Pauli string for expectation values: P = i^ny X^x Z^z (Z applied first).
struct PauliMasks {
  uint64_t x;
  uint64_t z;
  int ny;
};

// One instruction set's kernels. `nv` is log2(number of vectors); ranges are in groups (dense:
// 2^(nv - number of high qubits) groups) or vectors (diag, pauli, norm).
struct KernelTable {
  const char* isa;
  void (*dense_high_f64)(double* psi, const DenseHigh<double>& g, uint64_t begin, uint64_t end);
  void (*dense_high_f32)(float* psi, const DenseHigh<float>& g, uint64_t begin, uint64_t end);
  void (*dense_low_f64)(double* psi, const DenseLow<double>& g, uint64_t begin, uint64_t end);
  void (*dense_low_f32)(float* psi, const DenseLow<float>& g, uint64_t begin, uint64_t end);
  void (*perm_high_f64)(double* psi, const PermHigh<double>& g, uint64_t begin, uint64_t end);
  void (*perm_high_f32)(float* psi, const PermHigh<float>& g, uint64_t begin, uint64_t end);
  void (*diag_f64)(double* psi, const Diag<double>& g, uint64_t begin, uint64_t end);
  void (*diag_f32)(float* psi, const Diag<float>& g, uint64_t begin, uint64_t end);
  // Returns sum_i s_i conj(psi[i ^ x]) psi[i] over vectors [begin, end) as (re, im).
  void (*pauli_f64)(const double* psi, const PauliMasks& p, uint64_t begin, uint64_t end, double out[2]);
  void (*pauli_f32)(const float* psi, const PauliMasks& p, uint64_t begin, uint64_t end, double out[2]);
  // sum |psi|^2 over vectors [begin, end).
  double (*norm_f64)(const double* psi, uint64_t begin, uint64_t end);
  double (*norm_f32)(const float* psi, uint64_t begin, uint64_t end);
};

const KernelTable& KernelsGeneric();
const KernelTable& KernelsAvx2();
const KernelTable& KernelsAvx512();

// The best table this CPU runs, or the one named ("avx512", "avx2", "generic") if it can run it.
// Returns nullptr for a name the CPU cannot run or that does not exist.
const KernelTable* SelectKernels(const char* wanted);

}  // namespace qrun
