#include "pauli.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace qrun {

namespace {

constexpr uint64_t kCacheVectors = uint64_t{1} << 18;  // 16 MiB: half the last-level cache of a typical server
constexpr uint64_t kGrain = 4096;

inline double RealPart(const double s[2], int ny) {
  switch (ny & 3) {
    case 0: return s[0];
    case 1: return -s[1];
    case 2: return -s[0];
    default: return s[1];
  }
}

template <typename T>
void Kernel(const KernelTable& kt, const T* psi, const PauliMasks& p, uint64_t b, uint64_t e, double out[2]) {
  if constexpr (sizeof(T) == 8) kt.pauli_f64(psi, p, b, e, out);
  else kt.pauli_f32(psi, p, b, e, out);
}

}  // namespace

template <typename T>
void PauliExpectations(Context& ctx, const State<T>& state, const std::vector<PauliMasks>& paulis, double* out) {
  const T* psi = state.data();
  const uint64_t vectors = uint64_t{1} << state.nv();
  const KernelTable& kt = ctx.kernels;
  if (paulis.size() >= 2 * size_t(ctx.pool.width()) && vectors <= kCacheVectors) {
    ctx.pool.For(paulis.size(), 1, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) {
        double s[2] = {0, 0};
        Kernel<T>(kt, psi, paulis[i], 0, vectors, s);
        out[i] = RealPart(s, paulis[i].ny);
      }
    });
    return;
  }
  const uint64_t pieces = std::max<uint64_t>(1, std::min<uint64_t>(64, vectors / kGrain));
  std::vector<uint64_t> bound(pieces + 1);
  for (uint64_t i = 0; i <= pieces; ++i) bound[i] = vectors / pieces * i + std::min(i, vectors % pieces);
  std::vector<double> part(2 * pieces);
  for (size_t i = 0; i < paulis.size(); ++i) {
    ctx.pool.For(pieces, 1, [&](uint64_t b, uint64_t e) {
      for (uint64_t c = b; c < e; ++c) {
        double s[2] = {0, 0};
        Kernel<T>(kt, psi, paulis[i], bound[c], bound[c + 1], s);
        part[2 * c] = s[0];
        part[2 * c + 1] = s[1];
      }
    });
    double s[2] = {0, 0};
    for (uint64_t c = 0; c < pieces; ++c) {
      s[0] += part[2 * c];
      s[1] += part[2 * c + 1];
    }
    out[i] = RealPart(s, paulis[i].ny);
  }
}

template <typename T>
void ReadoutExpectations(Context& ctx, const State<T>& state, State<T>& scratch, const std::vector<PauliMasks>& paulis,
                         const double readout[2], double* out) {
  const int n = state.n();
  const double r = std::sqrt(0.5);
  std::vector<std::unique_ptr<PreparedGate<T>>> h, hsdg;
  for (int q = 0; q < n; ++q) {
    h.push_back(std::make_unique<PreparedGate<T>>(GateSpec{GateSpec::kDense, {q}, {r, 0, r, 0, r, 0, -r, 0}, {}}));
    hsdg.push_back(std::make_unique<PreparedGate<T>>(GateSpec{GateSpec::kDense, {q}, {r, 0, 0, -r, r, 0, 0, r}, {}}));
  }
  const double good0 = 1 - 2 * readout[0];
  const double good1 = -(1 - 2 * readout[1]);
  const uint64_t size = state.size();
  const uint64_t pieces = std::max<uint64_t>(1, std::min<uint64_t>(64, size / (kGrain * 4)));
  std::vector<uint64_t> bound(pieces + 1);
  for (uint64_t i = 0; i <= pieces; ++i) bound[i] = size / pieces * i + std::min(i, size % pieces);
  std::vector<double> part(pieces);
  for (size_t t = 0; t < paulis.size(); ++t) {
    const PauliMasks& p = paulis[t];
    scratch.CopyFrom(ctx, state);
    for (int q = 0; q < n; ++q) {
      if (!(p.x >> q & 1)) continue;
      ((p.z >> q & 1) ? hsdg[q] : h[q])->Apply(ctx, scratch);
    }
    const uint64_t support = p.x | p.z;
    const int s = __builtin_popcountll(support);
    std::vector<double> weight(s + 1);
    for (int k = 0; k <= s; ++k) weight[k] = std::pow(good0, s - k) * std::pow(good1, k);
    const T* psi = scratch.data();
    ctx.pool.For(pieces, 1, [&](uint64_t b, uint64_t e) {
      for (uint64_t c = b; c < e; ++c) {
        double acc = 0;
        for (uint64_t i = bound[c]; i < bound[c + 1]; ++i) {
          const double re = psi[2 * i], im = psi[2 * i + 1];
          acc += (re * re + im * im) * weight[__builtin_popcountll(i & support)];
        }
        part[c] = acc;
      }
    });
    double total = 0;
    for (double v : part) total += v;
    out[t] = total;
  }
}

template void ReadoutExpectations<double>(Context&, const State<double>&, State<double>&, const std::vector<PauliMasks>&,
                                          const double[2], double*);
template void ReadoutExpectations<float>(Context&, const State<float>&, State<float>&, const std::vector<PauliMasks>&,
                                         const double[2], double*);
template void PauliExpectations<double>(Context&, const State<double>&, const std::vector<PauliMasks>&, double*);
template void PauliExpectations<float>(Context&, const State<float>&, const std::vector<PauliMasks>&, double*);

}  // namespace qrun
