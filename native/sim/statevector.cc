#include "statevector.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "common/errors.h"

namespace qrun {

namespace {

constexpr uint64_t kGrainVectors = 4096;  // 256 KiB of state per chunk: large enough to amortise a hand-off
constexpr int kFixedChunks = 64;          // reductions sum per-chunk partials in this fixed order

inline uint64_t InsertZero(uint64_t g, int q) {
  return ((g >> q) << (q + 1)) | (g & ((uint64_t{1} << q) - 1));
}

// Calls fn(i0, count, stride) over runs of pairs (i0 + j, i0 + j + stride), j < count, for pair
// indices [begin, end) of qubit q.
template <typename F>
inline void ForPairRuns(int q, uint64_t begin, uint64_t end, F&& fn) {
  const uint64_t stride = uint64_t{1} << q;
  uint64_t g = begin;
  while (g < end) {
    const uint64_t run = std::min(end - g, stride - (g & (stride - 1)));
    fn(InsertZero(g, q), run, stride);
    g += run;
  }
}

// Splits [0, n) into at most kFixedChunks pieces independent of the pool width and returns the
// piece boundaries; used where partial sums must add up the same way on any machine.
inline std::vector<uint64_t> FixedChunks(uint64_t n, uint64_t grain) {
  const uint64_t pieces = std::max<uint64_t>(1, std::min<uint64_t>(kFixedChunks, n / std::max<uint64_t>(grain, 1)));
  std::vector<uint64_t> bounds(pieces + 1);
  for (uint64_t i = 0; i <= pieces; ++i) bounds[i] = n / pieces * i + std::min(i, n % pieces);
  return bounds;
}

}  // namespace

// ---- State -----------------------------------------------------------------------------------------

template <typename T>
State<T>::State(Context& ctx, int n)
    : n_(n),
      nv_(std::max(n, LowBits<T>()) - LowBits<T>()),
      stored_(uint64_t{1} << std::max(n, LowBits<T>())),
      buffer_(stored_ * 2 * sizeof(T)) {
  SetBasisZero(ctx);
}

template <typename T>
void State<T>::SetBasisZero(Context& ctx) {
  char* bytes = static_cast<char*>(buffer_.data());
  const uint64_t total = buffer_.size();
  ctx.pool.For(total, kGrainVectors * kVectorBytes, [&](uint64_t b, uint64_t e) { std::memset(bytes + b, 0, e - b); });
  data()[0] = T(1);
}

template <typename T>
void State<T>::CopyFrom(Context& ctx, const State& other) {
  char* dst = static_cast<char*>(buffer_.data());
  const char* src = static_cast<const char*>(other.buffer_.data());
  ctx.pool.For(buffer_.size(), kGrainVectors * kVectorBytes, [&](uint64_t b, uint64_t e) { std::memcpy(dst + b, src + b, e - b); });
}

// ---- gate preparation ------------------------------------------------------------------------------

template <typename T>
PreparedGate<T>::PreparedGate(const GateSpec& spec) {
  const int k = static_cast<int>(spec.qubits.size());
  std::vector<int> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return spec.qubits[a] < spec.qubits[b]; });
  std::vector<int> sorted(k);
  for (int j = 0; j < k; ++j) sorted[j] = spec.qubits[order[j]];
  const uint64_t dim = uint64_t{1} << k;
  // Index in the sorted order -> index in the caller's order.
  auto original = [&](uint64_t idx) {
    uint64_t o = 0;
    for (int j = 0; j < k; ++j) o |= ((idx >> j) & 1) << order[j];
    return o;
  };
  if (spec.kind == GateSpec::kDiagonal) {
    if (k > kMaxDiagQubits) throw Error("INTERNAL", "diagonal gate on too many qubits");
    std::vector<double> d(2 * dim);
    for (uint64_t i = 0; i < dim; ++i) {
      d[2 * i] = spec.values[2 * original(i)];
      d[2 * i + 1] = spec.values[2 * original(i) + 1];
    }
    BuildDiag(sorted, d);
    return;
  }
  if (k > kMaxGateQubits) throw Error("INTERNAL", "dense gate on too many qubits");
  if (spec.kind == GateSpec::kPermutation && sorted[0] >= LowBits<T>()) {
    // All qubits select whole vectors: move vectors, no arithmetic beyond the phases.
    kind_ = kPermHigh;
    perm_.k = k;
    for (int j = 0; j < k; ++j) perm_.hq[j] = sorted[j] - LowBits<T>();
    auto to_sorted = [&](uint64_t idx) {
      uint64_t s_idx = 0;
      for (int j = 0; j < k; ++j) s_idx |= ((idx >> order[j]) & 1) << j;
      return s_idx;
    };
    for (uint64_t c = 0; c < dim; ++c) {
      const uint64_t rs = to_sorted(static_cast<uint64_t>(spec.perm[c]));
      perm_.src[rs] = static_cast<int>(to_sorted(c));
      perm_.pr[rs] = T(spec.values[2 * c]);
      perm_.pi[rs] = T(spec.values[2 * c + 1]);
    }
    return;
  }
  std::vector<double> m(2 * dim * dim, 0.0);
  if (spec.kind == GateSpec::kPermutation) {
    for (uint64_t c = 0; c < dim; ++c) {
      const uint64_t r = static_cast<uint64_t>(spec.perm[c]);
      m[2 * (r * dim + c)] = spec.values[2 * c];
      m[2 * (r * dim + c) + 1] = spec.values[2 * c + 1];
    }
  } else {
    m = spec.values;
  }
  std::vector<double> sm(2 * dim * dim);
  for (uint64_t r = 0; r < dim; ++r)
    for (uint64_t c = 0; c < dim; ++c) {
      const uint64_t src = original(r) * dim + original(c);
      sm[2 * (r * dim + c)] = m[2 * src];
      sm[2 * (r * dim + c) + 1] = m[2 * src + 1];
    }
  BuildMatrix(sorted, sm);
}

template <typename T>
void PreparedGate<T>::BuildDiag(const std::vector<int>& sorted, const std::vector<double>& d) {
  constexpr int LB = LowBits<T>();
  constexpr int CL = 1 << LB;  // complex lanes per vector
  constexpr int VL = 2 * CL;
  const int k = static_cast<int>(sorted.size());
  int L = 0;
  while (L < k && sorted[L] < LB) ++L;
  const int H = k - L;
  kind_ = kDiag;
  diag_.nh = H;
  for (int b = 0; b < H; ++b) diag_.hq[b] = sorted[L + b] - LB;
  const uint64_t nh = uint64_t{1} << H;
  coef_ = AlignedBuffer(nh * 2 * VL * sizeof(T));
  T* coef = static_cast<T*>(coef_.data());
  for (uint64_t h = 0; h < nh; ++h) {
    for (int l = 0; l < CL; ++l) {
      uint64_t low = 0;
      for (int j = 0; j < L; ++j) low |= uint64_t((l >> sorted[j]) & 1) << j;
      const uint64_t idx = (h << L) | low;
      coef[(2 * h) * VL + 2 * l] = T(d[2 * idx]);
      coef[(2 * h) * VL + 2 * l + 1] = T(d[2 * idx]);
      coef[(2 * h + 1) * VL + 2 * l] = T(-d[2 * idx + 1]);
      coef[(2 * h + 1) * VL + 2 * l + 1] = T(d[2 * idx + 1]);
    }
  }
  diag_.coef = coef;
}

template <typename T>
void PreparedGate<T>::BuildMatrix(const std::vector<int>& sorted, const std::vector<double>& m) {
  constexpr int LB = LowBits<T>();
  constexpr int CL = 1 << LB;
  constexpr int VL = 2 * CL;
  const int k = static_cast<int>(sorted.size());
  const uint64_t dim = uint64_t{1} << k;
  int L = 0;
  while (L < k && sorted[L] < LB) ++L;
  const int H = k - L;
  if (L == 0) {
    kind_ = kDenseHigh;
    dense_.k = k;
    for (int j = 0; j < k; ++j) dense_.hq[j] = sorted[j] - LB;
    coef_ = AlignedBuffer(2 * dim * dim * sizeof(T));
    T* mr = static_cast<T*>(coef_.data());
    T* mi = mr + dim * dim;
    for (uint64_t i = 0; i < dim * dim; ++i) {
      mr[i] = T(m[2 * i]);
      mi[i] = T(m[2 * i + 1]);
    }
    dense_.mr = mr;
    dense_.mi = mi;
    return;
  }

  kind_ = kDenseLow;
  low_.nh = H;
  for (int j = 0; j < H; ++j) low_.hq[j] = sorted[L + j] - LB;
  int lane_mask = 0;
  for (int j = 0; j < L; ++j) lane_mask |= 1 << sorted[j];
  // Every subset of the low-qubit lane mask is a lane shift; shift 0 comes first.
  low_.nshift = 0;
  int s = 0;
  do {
    low_.shifts[low_.nshift++] = s;
    s = (s - lane_mask) & lane_mask;
  } while (s != 0);
  auto lowidx = [&](int lane) {
    uint64_t low = 0;
    for (int j = 0; j < L; ++j) low |= uint64_t((lane >> sorted[j]) & 1) << j;
    return low;
  };
  const uint64_t nh = uint64_t{1} << H;
  const uint64_t S = static_cast<uint64_t>(low_.nshift);
  coef_ = AlignedBuffer(nh * nh * S * 2 * VL * sizeof(T));
  T* coef = static_cast<T*>(coef_.data());
  for (uint64_t r = 0; r < nh; ++r) {
    for (uint64_t h = 0; h < nh; ++h) {
      for (uint64_t si = 0; si < S; ++si) {
        T* cr = coef + ((r * nh + h) * S + si) * 2 * VL;
        T* ci = cr + VL;
        for (int l = 0; l < CL; ++l) {
          const uint64_t row = (r << L) | lowidx(l);
          const uint64_t col = (h << L) | lowidx(l ^ low_.shifts[si]);
          cr[2 * l] = cr[2 * l + 1] = T(m[2 * (row * dim + col)]);
          ci[2 * l] = ci[2 * l + 1] = T(m[2 * (row * dim + col) + 1]);
        }
      }
    }
  }
  low_.coef = coef;
}

template <typename T>
const char* PreparedGate<T>::kernel() const {
  switch (kind_) {
    case kDenseHigh: return "dense";
    case kDenseLow: return "dense-low";
    case kPermHigh: return "permutation";
    case kDiag: return "diagonal";
  }
  return "?";
}

template <typename T>
static void CallKernel(const KernelTable& kt, T* psi, const DenseHigh<T>& g, uint64_t b, uint64_t e) {
  if constexpr (sizeof(T) == 8) kt.dense_high_f64(psi, g, b, e);
  else kt.dense_high_f32(psi, g, b, e);
}
template <typename T>
static void CallKernel(const KernelTable& kt, T* psi, const DenseLow<T>& g, uint64_t b, uint64_t e) {
  if constexpr (sizeof(T) == 8) kt.dense_low_f64(psi, g, b, e);
  else kt.dense_low_f32(psi, g, b, e);
}
template <typename T>
static void CallKernel(const KernelTable& kt, T* psi, const PermHigh<T>& g, uint64_t b, uint64_t e) {
  if constexpr (sizeof(T) == 8) kt.perm_high_f64(psi, g, b, e);
  else kt.perm_high_f32(psi, g, b, e);
}
template <typename T>
static void CallKernel(const KernelTable& kt, T* psi, const Diag<T>& g, uint64_t b, uint64_t e) {
  if constexpr (sizeof(T) == 8) kt.diag_f64(psi, g, b, e);
  else kt.diag_f32(psi, g, b, e);
}

template <typename T>
void PreparedGate<T>::Apply(Context& ctx, State<T>& state) const {
  T* psi = state.data();
  const KernelTable& kt = ctx.kernels;
  switch (kind_) {
    case kDenseHigh: {
      const uint64_t groups = uint64_t{1} << (state.nv() - dense_.k);
      ctx.pool.For(groups, std::max<uint64_t>(1, kGrainVectors >> dense_.k),
                   [&](uint64_t b, uint64_t e) { CallKernel<T>(kt, psi, dense_, b, e); });
      return;
    }
    case kDenseLow: {
      const uint64_t groups = uint64_t{1} << (state.nv() - low_.nh);
      ctx.pool.For(groups, std::max<uint64_t>(1, kGrainVectors >> low_.nh),
                   [&](uint64_t b, uint64_t e) { CallKernel<T>(kt, psi, low_, b, e); });
      return;
    }
    case kPermHigh: {
      const uint64_t groups = uint64_t{1} << (state.nv() - perm_.k);
      ctx.pool.For(groups, std::max<uint64_t>(1, kGrainVectors >> perm_.k),
                   [&](uint64_t b, uint64_t e) { CallKernel<T>(kt, psi, perm_, b, e); });
      return;
    }
    case kDiag: {
      const uint64_t vectors = uint64_t{1} << state.nv();
      ctx.pool.For(vectors, kGrainVectors, [&](uint64_t b, uint64_t e) { CallKernel<T>(kt, psi, diag_, b, e); });
      return;
    }
  }
}

template <typename T>
void PreparedGate<T>::ApplySerial(const KernelTable& kt, T* psi, int n) const {
  const int nv = n - LowBits<T>();
  switch (kind_) {
    case kDenseHigh: CallKernel<T>(kt, psi, dense_, 0, uint64_t{1} << (nv - dense_.k)); return;
    case kDenseLow: CallKernel<T>(kt, psi, low_, 0, uint64_t{1} << (nv - low_.nh)); return;
    case kPermHigh: CallKernel<T>(kt, psi, perm_, 0, uint64_t{1} << (nv - perm_.k)); return;
    case kDiag: CallKernel<T>(kt, psi, diag_, 0, uint64_t{1} << nv); return;
  }
}

// ---- non-unitary steps -----------------------------------------------------------------------------

template <typename T>
void QubitProbabilities(Context& ctx, const State<T>& state, int q, double out[2]) {
  const T* psi = state.data();
  const uint64_t pairs = state.size() >> 1;
  const auto bounds = FixedChunks(pairs, kGrainVectors * 4);
  const size_t pieces = bounds.size() - 1;
  std::vector<double> p0(pieces), p1(pieces);
  ctx.pool.For(pieces, 1, [&](uint64_t pb, uint64_t pe) {
    for (uint64_t c = pb; c < pe; ++c) {
      double s0 = 0, s1 = 0;
      ForPairRuns(q, bounds[c], bounds[c + 1], [&](uint64_t i0, uint64_t count, uint64_t stride) {
        const T* a = psi + 2 * i0;
        const T* b = psi + 2 * (i0 + stride);
        for (uint64_t j = 0; j < 2 * count; ++j) {
          s0 += double(a[j]) * double(a[j]);
          s1 += double(b[j]) * double(b[j]);
        }
      });
      p0[c] = s0;
      p1[c] = s1;
    }
  });
  out[0] = out[1] = 0;
  for (size_t c = 0; c < pieces; ++c) {
    out[0] += p0[c];
    out[1] += p1[c];
  }
}

template <typename T>
double HalvesOverlap(Context& ctx, const State<T>& state, int q) {
  const T* psi = state.data();
  const uint64_t pairs = state.size() >> 1;
  const auto bounds = FixedChunks(pairs, kGrainVectors * 4);
  const size_t pieces = bounds.size() - 1;
  std::vector<double> re(pieces), im(pieces);
  ctx.pool.For(pieces, 1, [&](uint64_t pb, uint64_t pe) {
    for (uint64_t c = pb; c < pe; ++c) {
      double sr = 0, si = 0;
      ForPairRuns(q, bounds[c], bounds[c + 1], [&](uint64_t i0, uint64_t count, uint64_t stride) {
        const T* a = psi + 2 * i0;
        const T* b = psi + 2 * (i0 + stride);
        for (uint64_t j = 0; j < count; ++j) {
          const double ar = a[2 * j], ai = a[2 * j + 1], br = b[2 * j], bi = b[2 * j + 1];
          sr += ar * br + ai * bi;  // conj(a) b
          si += ar * bi - ai * br;
        }
      });
      re[c] = sr;
      im[c] = si;
    }
  });
  double sr = 0, si = 0;
  for (size_t c = 0; c < pieces; ++c) {
    sr += re[c];
    si += im[c];
  }
  return sr * sr + si * si;
}

template <typename T>
void Project(Context& ctx, State<T>& state, int q, int outcome, double scale) {
  T* psi = state.data();
  const uint64_t pairs = state.size() >> 1;
  const T s = T(scale);
  ctx.pool.For(pairs, kGrainVectors * 4, [&](uint64_t b, uint64_t e) {
    ForPairRuns(q, b, e, [&](uint64_t i0, uint64_t count, uint64_t stride) {
      T* keep = psi + 2 * (outcome ? i0 + stride : i0);
      T* drop = psi + 2 * (outcome ? i0 : i0 + stride);
      for (uint64_t j = 0; j < 2 * count; ++j) {
        keep[j] *= s;
        drop[j] = T(0);
      }
    });
  });
}

template <typename T>
void MoveOneToZero(Context& ctx, State<T>& state, int q, double scale) {
  T* psi = state.data();
  const uint64_t pairs = state.size() >> 1;
  const T s = T(scale);
  ctx.pool.For(pairs, kGrainVectors * 4, [&](uint64_t b, uint64_t e) {
    ForPairRuns(q, b, e, [&](uint64_t i0, uint64_t count, uint64_t stride) {
      T* zero = psi + 2 * i0;
      T* one = psi + 2 * (i0 + stride);
      for (uint64_t j = 0; j < 2 * count; ++j) {
        zero[j] = one[j] * s;
        one[j] = T(0);
      }
    });
  });
}

template <typename T>
void ScaleHalves(Context& ctx, State<T>& state, int q, double a, double b) {
  T* psi = state.data();
  const uint64_t pairs = state.size() >> 1;
  const T sa = T(a), sb = T(b);
  ctx.pool.For(pairs, kGrainVectors * 4, [&](uint64_t pb, uint64_t pe) {
    ForPairRuns(q, pb, pe, [&](uint64_t i0, uint64_t count, uint64_t stride) {
      T* zero = psi + 2 * i0;
      T* one = psi + 2 * (i0 + stride);
      for (uint64_t j = 0; j < 2 * count; ++j) {
        zero[j] *= sa;
        one[j] *= sb;
      }
    });
  });
}

template <typename T>
double Norm(Context& ctx, const State<T>& state) {
  const T* psi = state.data();
  const uint64_t vectors = uint64_t{1} << state.nv();
  const auto bounds = FixedChunks(vectors, kGrainVectors);
  const size_t pieces = bounds.size() - 1;
  std::vector<double> part(pieces);
  ctx.pool.For(pieces, 1, [&](uint64_t pb, uint64_t pe) {
    for (uint64_t c = pb; c < pe; ++c) {
      if constexpr (sizeof(T) == 8) part[c] = ctx.kernels.norm_f64(psi, bounds[c], bounds[c + 1]);
      else part[c] = ctx.kernels.norm_f32(psi, bounds[c], bounds[c + 1]);
    }
  });
  double total = 0;
  for (double p : part) total += p;
  return total;
}

template class State<double>;
template class State<float>;
template class PreparedGate<double>;
template class PreparedGate<float>;
template void QubitProbabilities<double>(Context&, const State<double>&, int, double[2]);
template void QubitProbabilities<float>(Context&, const State<float>&, int, double[2]);
template double HalvesOverlap<double>(Context&, const State<double>&, int);
template double HalvesOverlap<float>(Context&, const State<float>&, int);
template void Project<double>(Context&, State<double>&, int, int, double);
template void Project<float>(Context&, State<float>&, int, int, double);
template void MoveOneToZero<double>(Context&, State<double>&, int, double);
template void MoveOneToZero<float>(Context&, State<float>&, int, double);
template void ScaleHalves<double>(Context&, State<double>&, int, double, double);
template void ScaleHalves<float>(Context&, State<float>&, int, double, double);
template double Norm<double>(Context&, const State<double>&);
template double Norm<float>(Context&, const State<float>&);

}  // namespace qrun
