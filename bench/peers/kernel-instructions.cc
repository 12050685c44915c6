// Instructions per amplitude of the native gate kernels, counted by callgrind (instruction counts do
// not move with the machine's load, so a regression in a kernel shows as a number). Every gate is
// prepared as the addon prepares it (PreparedGate, native/sim/statevector.cc) and applied on one
// thread to a 2^14-amplitude state (in cache: the count is the kernel's own work, not memory
// stalls), four times inside a collected region of its own. Outside valgrind the client requests do
// nothing.
//   valgrind --tool=callgrind --collect-atstart=no kernel-instructions ISA
// prints one line per kernel: label, amplitudes per application, applications.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "statevector.h"

using namespace qrun;

namespace {

constexpr int kQubits = 14;
constexpr int kReps = 4;

GateSpec Dense(std::vector<int> qubits) {
  const size_t dim = size_t{1} << qubits.size();
  GateSpec g;
  g.kind = GateSpec::kDense;
  g.qubits = std::move(qubits);
  for (size_t i = 0; i < 2 * dim * dim; ++i) g.values.push_back(0.01 * double(i % 7 + 1));
  return g;
}

GateSpec Cz(int a, int b) { return GateSpec{GateSpec::kDiagonal, {a, b}, {1, 0, 1, 0, 1, 0, -1, 0}, {}}; }

GateSpec Cx(int c, int t) {
  // Column c has phase 1 at row perm[c]; bit 0 <-> the control, bit 1 <-> the target.
  return GateSpec{GateSpec::kPermutation, {c, t}, {1, 0, 1, 0, 1, 0, 1, 0}, {0, 3, 2, 1}};
}

template <typename T>
void Measure(const KernelTable& kt, const char* label, const GateSpec& spec, const char* precision) {
  AlignedBuffer buffer((size_t{2} << kQubits) * sizeof(T));
  T* psi = static_cast<T*>(buffer.data());
  for (size_t i = 0; i < (size_t{2} << kQubits); ++i) psi[i] = T(1e-3);
  PreparedGate<T> gate(spec);
  gate.ApplySerial(kt, psi, kQubits);  // warm: page faults and first touches are not the kernel's
  const std::string name = std::string(label) + " " + precision;
  CALLGRIND_TOGGLE_COLLECT;
  for (int r = 0; r < kReps; ++r) gate.ApplySerial(kt, psi, kQubits);
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_DUMP_STATS_AT(name.c_str());
  std::printf("%s\t%d\t%d\t%s\n", name.c_str(), 1 << kQubits, kReps, gate.kernel());
}

template <typename T>
void MeasureAll(const KernelTable& kt, const char* precision) {
  constexpr int lb = LowBits<T>();  // in-vector qubits: 0..lb-1
  Measure<T>(kt, "1q dense, high qubit", Dense({lb + 3}), precision);
  Measure<T>(kt, "1q dense, in-vector qubit", Dense({0}), precision);
  Measure<T>(kt, "2q dense, high qubits", Dense({lb + 1, lb + 6}), precision);
  Measure<T>(kt, "2q dense, one in-vector", Dense({1, lb + 4}), precision);
  Measure<T>(kt, "3q dense, high qubits", Dense({lb, lb + 3, lb + 7}), precision);
  Measure<T>(kt, "cz (diagonal)", Cz(lb + 2, lb + 5), precision);
  Measure<T>(kt, "cx (permutation, high)", Cx(lb + 2, lb + 5), precision);
}

}  // namespace

int main(int argc, char** argv) {
  const KernelTable* kt = SelectKernels(argc > 1 ? argv[1] : "auto");
  if (kt == nullptr) {
    std::fprintf(stderr, "this CPU cannot run the %s kernels\n", argc > 1 ? argv[1] : "auto");
    return 2;
  }
  std::printf("isa\t%s\n", kt->isa);
  MeasureAll<double>(*kt, "c128");
  MeasureAll<float>(*kt, "c64");
  return 0;
}
