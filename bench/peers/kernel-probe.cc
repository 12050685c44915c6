// Single-threaded timings of the native kernels (native/sim/kernels_*.cc) on a 2^22-amplitude complex128
// state, without Node: dense gates on high qubits (near: 3.. ; far: spread out), dense gates touching
// an in-vector qubit, the norm pass and an in-place scale for reference. Best of 7, ns per amplitude.
//   kernel-probe [avx512|avx2|generic]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels.h"

using namespace qrun;

int main(int argc, char** argv) {
  const int n = 22;
  const KernelTable* kt = SelectKernels(argc > 1 ? argv[1] : "auto");
  if (kt == nullptr) {
    std::fprintf(stderr, "this CPU cannot run %s\n", argv[1]);
    return 2;
  }
  const size_t amps = size_t{1} << n;
  double* psi = static_cast<double*>(std::aligned_alloc(64, amps * 16));
  for (size_t i = 0; i < 2 * amps; ++i) psi[i] = 1e-3;
  std::printf("{\"isa\": \"%s\", \"nsPerAmp\": {", kt->isa);
  bool first = true;
  auto run = [&](const char* label, auto fn) {
    double best = 1e9;
    for (int r = 0; r < 7; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      fn();
      best = std::min(best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / amps);
    }
    std::printf("%s\"%s\": %.3f", first ? "" : ", ", label, best);
    first = false;
  };
  const int nv = n - 2;
  const int near[6] = {3, 4, 5, 6, 7, 8}, far[6] = {1, 5, 9, 13, 17, 19};
  for (int k = 1; k <= 5; ++k) {
    std::vector<double> mr(size_t{1} << (2 * k), 0.01), mi(size_t{1} << (2 * k), 0.02);
    for (int v = 0; v < 2; ++v) {
      DenseHigh<double> g{};
      g.k = k;
      for (int b = 0; b < k; ++b) g.hq[b] = (v ? far : near)[b];
      g.mr = mr.data();
      g.mi = mi.data();
      char label[32];
      std::snprintf(label, sizeof label, "dense k=%d %s", k, v ? "far" : "near");
      run(label, [&] { kt->dense_high_f64(psi, g, 0, uint64_t{1} << (nv - k)); });
    }
  }
  for (int k = 1; k <= 4; ++k) {
    DenseLow<double> g{};
    g.nh = k - 1;
    g.nshift = 2;
    g.shifts[0] = 0;
    g.shifts[1] = 1;
    for (int b = 0; b < k - 1; ++b) g.hq[b] = far[b];
    const size_t d = size_t{1} << (k - 1);
    double* c = static_cast<double*>(std::aligned_alloc(64, d * d * 2 * 2 * 8 * sizeof(double)));
    for (size_t i = 0; i < d * d * 2 * 2 * 8; ++i) c[i] = 0.01;
    g.coef = c;
    char label[32];
    std::snprintf(label, sizeof label, "dense-low k=%d", k);
    run(label, [&] { kt->dense_low_f64(psi, g, 0, uint64_t{1} << (nv - (k - 1))); });
  }
  run("norm (read only)", [&] {
    volatile double x = kt->norm_f64(psi, 0, uint64_t{1} << nv);
    (void)x;
  });
  run("in-place scale", [&] {
    for (size_t i = 0; i < 2 * amps; ++i) psi[i] *= 1.0000001;
  });
  std::printf("}}\n");
  return 0;
}
