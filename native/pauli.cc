#include "pauli.h"

#include <algorithm>

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

template void PauliExpectations<double>(Context&, const State<double>&, const std::vector<PauliMasks>&, double*);
template void PauliExpectations<float>(Context&, const State<float>&, const std::vector<PauliMasks>&, double*);

}  // namespace qrun
