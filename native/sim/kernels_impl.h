// Kernel bodies, compiled once per instruction set. The including file defines QRUN_KNS (the
// namespace for this copy) and QRUN_NATIVE_BYTES (the target's vector width), and may set a
// `#pragma GCC target` first.
//
// Only GCC/Clang vector extensions and builtins are used here, never a standard-library template:
// an inline std:: function instantiated under an AVX-512 target could be merged by the linker into
// the generic copy and crash a CPU without AVX-512.
//
// The arithmetic: a complex coefficient c = a + ib times interleaved lanes x = [xr, xi, ...] is
// a*x + b*[-xi, xr] = a*x + [-b, b] * swap_re_im(x), two fused multiply-adds per vector.

#ifndef QRUN_KNS
#error "define QRUN_KNS before including kernels_impl.h"
#endif

namespace qrun {
namespace QRUN_KNS {

// A logical vector is always 64 bytes (4 complex128 or 8 complex64 amplitudes), whatever the
// instruction set, so gate tables and the state layout do not depend on it. It is made of
// 64 / QRUN_NATIVE_BYTES native vectors (1 for AVX-512, 2 for AVX2, 4 for SSE2): GCC's own lowering
// of 64-byte vector types on narrower targets spills through general registers and runs 10x slower,
// so the split is done here, explicitly.
#ifndef QRUN_NATIVE_BYTES
#define QRUN_NATIVE_BYTES 64
#endif
constexpr int kNativeBytes = QRUN_NATIVE_BYTES;
constexpr int kParts = 64 / kNativeBytes;

template <typename T>
struct NV;
template <>
struct NV<double> {
  typedef double N __attribute__((vector_size(kNativeBytes)));
  typedef long long I __attribute__((vector_size(kNativeBytes)));
  static constexpr int kLanes = kNativeBytes / 8;
};
template <>
struct NV<float> {
  typedef float N __attribute__((vector_size(kNativeBytes)));
  typedef int I __attribute__((vector_size(kNativeBytes)));
  static constexpr int kLanes = kNativeBytes / 4;
};

template <typename T>
struct Pack {
  typename NV<T>::N p[kParts];
};

#define QRUN_AI static inline __attribute__((always_inline))
template <typename T>
QRUN_AI Pack<T> operator+(Pack<T> a, Pack<T> b) {
  for (int i = 0; i < kParts; ++i) a.p[i] += b.p[i];
  return a;
}
template <typename T>
QRUN_AI Pack<T> operator*(Pack<T> a, Pack<T> b) {
  for (int i = 0; i < kParts; ++i) a.p[i] *= b.p[i];
  return a;
}
template <typename T>
QRUN_AI Pack<T> operator*(Pack<T> a, T s) {
  for (int i = 0; i < kParts; ++i) a.p[i] *= s;
  return a;
}
template <typename T>
QRUN_AI Pack<T>& operator+=(Pack<T>& a, Pack<T> b) {
  for (int i = 0; i < kParts; ++i) a.p[i] += b.p[i];
  return a;
}
template <typename T>
QRUN_AI Pack<T>& operator*=(Pack<T>& a, Pack<T> b) {
  for (int i = 0; i < kParts; ++i) a.p[i] *= b.p[i];
  return a;
}

template <typename T>
struct VT {
  typedef Pack<T> V;
  static constexpr int kLanes = 64 / sizeof(T);
};

template <typename T>
QRUN_AI T Get(const Pack<T>& v, int e) {
  return v.p[e / NV<T>::kLanes][e % NV<T>::kLanes];
}
template <typename T>
QRUN_AI void Set(Pack<T>& v, int e, T x) {
  v.p[e / NV<T>::kLanes][e % NV<T>::kLanes] = x;
}

// Inside one native vector: element e holds complex lane e/2, part e%2; complex lane l -> l ^ W.
template <typename T, int W>
QRUN_AI typename NV<T>::N NativeLaneXor(typename NV<T>::N x) {
  typedef typename NV<T>::I I;
  constexpr int L = NV<T>::kLanes;
#define E(e) ((((e) >> 1) ^ W) * 2 + ((e) & 1))
  if constexpr (W == 0 || L == 2) {
    return x;
  } else if constexpr (L == 4) {
    return __builtin_shuffle(x, I{E(0), E(1), E(2), E(3)});
  } else if constexpr (L == 8) {
    return __builtin_shuffle(x, I{E(0), E(1), E(2), E(3), E(4), E(5), E(6), E(7)});
  } else {
    return __builtin_shuffle(x, I{E(0), E(1), E(2), E(3), E(4), E(5), E(6), E(7), E(8), E(9), E(10), E(11), E(12), E(13), E(14), E(15)});
  }
#undef E
}

template <typename T>
QRUN_AI typename NV<T>::N NativeSwapReIm(typename NV<T>::N x) {
  typedef typename NV<T>::I I;
  constexpr int L = NV<T>::kLanes;
  if constexpr (L == 2) {
    return __builtin_shuffle(x, I{1, 0});
  } else if constexpr (L == 4) {
    return __builtin_shuffle(x, I{1, 0, 3, 2});
  } else if constexpr (L == 8) {
    return __builtin_shuffle(x, I{1, 0, 3, 2, 5, 4, 7, 6});
  } else {
    return __builtin_shuffle(x, I{1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14});
  }
}

// Moves complex lane l of the 64-byte vector to l ^ S: the bits of S below log2(complex lanes per
// native vector) shuffle inside each native vector, the others pick which native vector.
template <typename T, int S>
QRUN_AI Pack<T> LaneXor(Pack<T> x) {
  constexpr int C = NV<T>::kLanes / 2;
  constexpr int within = S & (C - 1);
  constexpr int across = S / C;
  Pack<T> out;
  for (int i = 0; i < kParts; ++i) out.p[i] = NativeLaneXor<T, within>(x.p[i ^ across]);
  return out;
}

template <typename T>
QRUN_AI Pack<T> SwapReIm(Pack<T> x) {
  for (int i = 0; i < kParts; ++i) x.p[i] = NativeSwapReIm<T>(x.p[i]);
  return x;
}

template <typename T>
QRUN_AI Pack<T> LaneXorRuntime(Pack<T> x, int s) {
  switch (s) {
    case 0: return x;
    case 1: return LaneXor<T, 1>(x);
    case 2: return LaneXor<T, 2>(x);
    case 3: return LaneXor<T, 3>(x);
    default: break;
  }
  if constexpr (sizeof(T) == 4) {
    switch (s) {
      case 4: return LaneXor<T, 4>(x);
      case 5: return LaneXor<T, 5>(x);
      case 6: return LaneXor<T, 6>(x);
      case 7: return LaneXor<T, 7>(x);
      default: break;
    }
  }
  return x;
}

template <typename T>
QRUN_AI Pack<T> Load(const T* p) {
  Pack<T> v;
  for (int i = 0; i < kParts; ++i) v.p[i] = *reinterpret_cast<const typename NV<T>::N*>(p + i * NV<T>::kLanes);
  return v;
}
template <typename T>
QRUN_AI void Store(T* p, Pack<T> v) {
  for (int i = 0; i < kParts; ++i) *reinterpret_cast<typename NV<T>::N*>(p + i * NV<T>::kLanes) = v.p[i];
}

template <typename T>
QRUN_AI Pack<T> SignReIm() {
  // [-1, +1, -1, +1, ...]: multiplies swap_re_im(x) so that b * it is the imaginary term.
  Pack<T> v;
  for (int e = 0; e < VT<T>::kLanes; ++e) Set<T>(v, e, (e & 1) ? T(1) : T(-1));
  return v;
}

// Spreads g's bits around the (ascending) positions in q, leaving zeros there.
template <int K>
static inline __attribute__((always_inline)) uint64_t InsertZeros(uint64_t g, const int* q) {
  for (int b = 0; b < K; ++b) {
    const uint64_t low = g & ((uint64_t{1} << q[b]) - 1);
    g = ((g >> q[b]) << (q[b] + 1)) | low;
  }
  return g;
}

// Software prefetch distance, in groups. With the 2^k streams of a gate on qubits 3..8 (partners
// 512 B to 16 KiB apart) the hardware prefetchers fall behind and a sweep runs at half the bandwidth;
// prefetching each stream 128 groups (8 KiB) ahead restores it (measured: bench/kernel-probe.mjs).
// Prefetches past the end of the state are harmless: they never fault.
constexpr uint64_t kPrefetchGroups = 128;

// ---- dense gate on high qubits -------------------------------------------------------------------
//
// y_r = sum_c (mr[r][c] + i mi[r][c]) x_c over whole vectors. Rows are done RB at a time with two
// accumulators each (real and imaginary coefficient parts), so 2 * RB independent FMA chains hide the
// FMA latency; the imaginary part is folded in once per row: y = accR + [-1, 1] * swap(accI).

template <typename T, int K>
static void DenseHighK(T* __restrict psi, const DenseHigh<T>& gate, uint64_t begin, uint64_t end) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  constexpr int D = 1 << K;
  constexpr int RB = D < 4 ? D : 4;
  uint64_t off[D];
  for (int c = 0; c < D; ++c) {
    uint64_t o = 0;
    for (int b = 0; b < K; ++b)
      if (c >> b & 1) o |= uint64_t{1} << gate.hq[b];
    off[c] = o * L;
  }
  const V sign = SignReIm<T>();
  const T* __restrict mr = gate.mr;
  const T* __restrict mi = gate.mi;
  for (uint64_t g = begin; g < end; ++g) {
    T* base = psi + InsertZeros<K>(g, gate.hq) * L;
    {
      T* ahead = psi + InsertZeros<K>(g + kPrefetchGroups, gate.hq) * L;
      for (int c = 0; c < D; ++c) __builtin_prefetch(ahead + off[c], 1, 3);
    }
    V x[D];
    for (int c = 0; c < D; ++c) x[c] = Load<T>(base + off[c]);
    for (int r0 = 0; r0 < D; r0 += RB) {
      V ar[RB], ai[RB];
      for (int j = 0; j < RB; ++j) {
        ar[j] = x[0] * mr[(r0 + j) * D];
        ai[j] = x[0] * mi[(r0 + j) * D];
      }
      for (int c = 1; c < D; ++c) {
        for (int j = 0; j < RB; ++j) {
          ar[j] += x[c] * mr[(r0 + j) * D + c];
          ai[j] += x[c] * mi[(r0 + j) * D + c];
        }
      }
      for (int j = 0; j < RB; ++j) Store<T>(base + off[r0 + j], ar[j] + SwapReIm<T>(ai[j]) * sign);
    }
  }
}

template <typename T>
static void DenseHighAny(T* psi, const DenseHigh<T>& gate, uint64_t begin, uint64_t end) {
  switch (gate.k) {
    case 1: return DenseHighK<T, 1>(psi, gate, begin, end);
    case 2: return DenseHighK<T, 2>(psi, gate, begin, end);
    case 3: return DenseHighK<T, 3>(psi, gate, begin, end);
    case 4: return DenseHighK<T, 4>(psi, gate, begin, end);
    case 5: return DenseHighK<T, 5>(psi, gate, begin, end);
    case 6: return DenseHighK<T, 6>(psi, gate, begin, end);
    default: return;
  }
}

// ---- dense gate touching low qubits --------------------------------------------------------------
//
// With L of the gate's qubits inside a vector, output vector r is sum over input vectors h and the
// S = 2^L lane shifts s of C[r][h][s] (.) lanes_xor(x_h, shift_s), C a per-lane complex coefficient.
// The shifted inputs are formed once per group; the products use the same two-accumulator scheme.

template <typename T, int H, int S>
static void DenseLowHS(T* __restrict psi, const DenseLow<T>& gate, uint64_t begin, uint64_t end) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  constexpr int D = 1 << H;
  constexpr int RB = D < 4 ? D : 4;
  constexpr int N = D * S;  // terms per output row
  uint64_t off[D];
  for (int c = 0; c < D; ++c) {
    uint64_t o = 0;
    for (int b = 0; b < H; ++b)
      if (c >> b & 1) o |= uint64_t{1} << gate.hq[b];
    off[c] = o * L;
  }
  int shifts[S];
  for (int s = 0; s < S; ++s) shifts[s] = gate.shifts[s];
  const V sign = SignReIm<T>();
  const T* __restrict coef = gate.coef;
  for (uint64_t g = begin; g < end; ++g) {
    T* base = psi + InsertZeros<H>(g, gate.hq) * L;
    {
      T* ahead = psi + InsertZeros<H>(g + kPrefetchGroups, gate.hq) * L;
      for (int c = 0; c < D; ++c) __builtin_prefetch(ahead + off[c], 1, 3);
    }
    V p[N];
    for (int h = 0; h < D; ++h) {
      const V x = Load<T>(base + off[h]);
      p[h * S] = x;
      for (int s = 1; s < S; ++s) p[h * S + s] = LaneXorRuntime<T>(x, shifts[s]);
    }
    for (int r0 = 0; r0 < D; r0 += RB) {
      V ar[RB] = {}, ai[RB] = {};
      for (int t = 0; t < N; ++t) {
        for (int j = 0; j < RB; ++j) {
          const T* c = coef + ((r0 + j) * N + t) * 2 * L;
          ar[j] += Load<T>(c) * p[t];
          ai[j] += Load<T>(c + L) * p[t];
        }
      }
      for (int j = 0; j < RB; ++j) Store<T>(base + off[r0 + j], ar[j] + SwapReIm<T>(ai[j]) * sign);
    }
  }
}

template <typename T, int S>
static void DenseLowS(T* psi, const DenseLow<T>& gate, uint64_t begin, uint64_t end) {
  constexpr int LS = S == 2 ? 1 : S == 4 ? 2 : 3;
  switch (gate.nh) {
    case 0: return DenseLowHS<T, 0, S>(psi, gate, begin, end);
    case 1: return DenseLowHS<T, 1, S>(psi, gate, begin, end);
    case 2: return DenseLowHS<T, 2, S>(psi, gate, begin, end);
    case 3: return DenseLowHS<T, 3, S>(psi, gate, begin, end);
    case 4: if constexpr (LS + 4 <= kMaxGateQubits) return DenseLowHS<T, 4, S>(psi, gate, begin, end); else return;
    case 5: if constexpr (LS + 5 <= kMaxGateQubits) return DenseLowHS<T, 5, S>(psi, gate, begin, end); else return;
    default: return;
  }
}

template <typename T>
static void DenseLowAny(T* psi, const DenseLow<T>& gate, uint64_t begin, uint64_t end) {
  switch (gate.nshift) {
    case 2: return DenseLowS<T, 2>(psi, gate, begin, end);
    case 4: return DenseLowS<T, 4>(psi, gate, begin, end);
    case 8: if constexpr (sizeof(T) == 4) return DenseLowS<T, 8>(psi, gate, begin, end); else return;
    default: return;
  }
}

// ---- permutation on high qubits -----------------------------------------------------------------

template <typename T, int K>
static void PermHighK(T* __restrict psi, const PermHigh<T>& gate, uint64_t begin, uint64_t end) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  constexpr int D = 1 << K;
  uint64_t off[D];
  for (int c = 0; c < D; ++c) {
    uint64_t o = 0;
    for (int b = 0; b < K; ++b)
      if (c >> b & 1) o |= uint64_t{1} << gate.hq[b];
    off[c] = o * L;
  }
  const V sign = SignReIm<T>();
  bool unit = true;
  for (int r = 0; r < D; ++r) unit = unit && gate.pr[r] == T(1) && gate.pi[r] == T(0);
  for (uint64_t g = begin; g < end; ++g) {
    T* base = psi + InsertZeros<K>(g, gate.hq) * L;
    {
      T* ahead = psi + InsertZeros<K>(g + kPrefetchGroups, gate.hq) * L;
      for (int c = 0; c < D; ++c) __builtin_prefetch(ahead + off[c], 1, 3);
    }
    V x[D];
    for (int c = 0; c < D; ++c) x[c] = Load<T>(base + off[c]);
    if (unit) {
      for (int r = 0; r < D; ++r)
        if (gate.src[r] != r) Store<T>(base + off[r], x[gate.src[r]]);
    } else {
      for (int r = 0; r < D; ++r) {
        const V v = x[gate.src[r]];
        Store<T>(base + off[r], v * gate.pr[r] + SwapReIm<T>(v) * sign * gate.pi[r]);
      }
    }
  }
}

template <typename T>
static void PermHighAny(T* psi, const PermHigh<T>& gate, uint64_t begin, uint64_t end) {
  switch (gate.k) {
    case 1: return PermHighK<T, 1>(psi, gate, begin, end);
    case 2: return PermHighK<T, 2>(psi, gate, begin, end);
    case 3: return PermHighK<T, 3>(psi, gate, begin, end);
    case 4: return PermHighK<T, 4>(psi, gate, begin, end);
    case 5: return PermHighK<T, 5>(psi, gate, begin, end);
    case 6: return PermHighK<T, 6>(psi, gate, begin, end);
    default: return;
  }
}

// ---- diagonal --------------------------------------------------------------------------------------

template <typename T>
static void DiagAny(T* __restrict psi, const Diag<T>& gate, uint64_t begin, uint64_t end) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  const T* __restrict coef = gate.coef;
  const int nh = gate.nh;
  // Vectors inside a run of 2^hq[0] share the same high-qubit combination.
  const uint64_t run = nh > 0 ? uint64_t{1} << gate.hq[0] : ~uint64_t{0};
  uint64_t v = begin;
  uint64_t mask = 0;
  for (int b = 0; b < nh; ++b) mask |= uint64_t{1} << gate.hq[b];
  (void)mask;
  while (v < end) {
#if defined(QRUN_PEXT)
    const uint64_t h = __builtin_ia32_pext_di(v, mask);
#else
    uint64_t h = 0;
    for (int b = 0; b < nh; ++b) h |= ((v >> gate.hq[b]) & 1) << b;
#endif
    const uint64_t stop = nh > 0 ? ((v / run) + 1) * run : end;
    const uint64_t e = stop < end ? stop : end;
    const V cr = Load<T>(coef + (2 * h) * L);
    const V ci = Load<T>(coef + (2 * h + 1) * L);
    for (; v < e; ++v) {
      T* a = psi + v * L;
      const V x = Load<T>(a);
      Store<T>(a, cr * x + ci * SwapReIm<T>(x));
    }
  }
}

// ---- Pauli expectation ---------------------------------------------------------------------------

// Sum over vectors v in [begin, end) and lanes l of (-1)^{|v & zv|} conj(psi[v^xv, l^XL]) psi[v, l],
// accumulated per lane; the caller applies the lane signs of z's low bits.
template <typename T, int XL>
static void PauliXL(const T* __restrict psi, const PauliMasks& p, uint64_t begin, uint64_t end,
                    double out[2]) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  constexpr int LB = sizeof(T) == 8 ? 2 : 3;
  const uint64_t xv = p.x >> LB;
  const uint64_t zv = p.z >> LB;
  const unsigned zl = static_cast<unsigned>(p.z & ((1u << LB) - 1));
  V lane_sign;
  for (int e = 0; e < L; ++e) Set<T>(lane_sign, e, (__builtin_popcount(static_cast<unsigned>(e >> 1) & zl) & 1) ? T(-1) : T(1));
  double re = 0, im = 0;
  // Accumulate blocks in T, then in double, so complex64 sums keep their precision.
  constexpr uint64_t kBlock = 256;
  for (uint64_t b0 = begin; b0 < end; b0 += kBlock) {
    const uint64_t b1 = b0 + kBlock < end ? b0 + kBlock : end;
    V ar = {}, ai = {};
    for (uint64_t v = b0; v < b1; ++v) {
      __builtin_prefetch(psi + ((v + kPrefetchGroups) ^ xv) * L, 0, 3);
      const V a = Load<T>(psi + v * L);
      const V b = LaneXor<T, XL>(Load<T>(psi + (v ^ xv) * L));
      const T s = T(1) - T(2) * T(__builtin_parityll(v & zv));
      ar += (a * b) * s;
      ai += (a * SwapReIm<T>(b)) * s;
    }
    ar *= lane_sign;
    ai *= lane_sign;
    for (int e = 0; e < L; ++e) {
      re += Get<T>(ar, e);
      im += (e & 1) ? Get<T>(ai, e) : -Get<T>(ai, e);
    }
  }
  out[0] += re;
  out[1] += im;
}

template <typename T>
static void PauliAny(const T* psi, const PauliMasks& p, uint64_t begin, uint64_t end, double out[2]) {
  constexpr int LB = sizeof(T) == 8 ? 2 : 3;
  switch (static_cast<int>(p.x & ((1u << LB) - 1))) {
    case 0: return PauliXL<T, 0>(psi, p, begin, end, out);
    case 1: return PauliXL<T, 1>(psi, p, begin, end, out);
    case 2: return PauliXL<T, 2>(psi, p, begin, end, out);
    case 3: return PauliXL<T, 3>(psi, p, begin, end, out);
    default: break;
  }
  if constexpr (sizeof(T) == 4) {
    switch (static_cast<int>(p.x & 7)) {
      case 4: return PauliXL<T, 4>(psi, p, begin, end, out);
      case 5: return PauliXL<T, 5>(psi, p, begin, end, out);
      case 6: return PauliXL<T, 6>(psi, p, begin, end, out);
      case 7: return PauliXL<T, 7>(psi, p, begin, end, out);
      default: break;
    }
  }
}

template <typename T>
static double NormAny(const T* __restrict psi, uint64_t begin, uint64_t end) {
  typedef typename VT<T>::V V;
  constexpr int L = VT<T>::kLanes;
  double total = 0;
  constexpr uint64_t kBlock = 256;
  for (uint64_t b0 = begin; b0 < end; b0 += kBlock) {
    const uint64_t b1 = b0 + kBlock < end ? b0 + kBlock : end;
    V acc = {};
    for (uint64_t v = b0; v < b1; ++v) {
      const V a = Load<T>(psi + v * L);
      acc += a * a;
    }
    for (int e = 0; e < L; ++e) total += Get<T>(acc, e);
  }
  return total;
}

static void DenseHighF64(double* psi, const DenseHigh<double>& g, uint64_t b, uint64_t e) { DenseHighAny<double>(psi, g, b, e); }
static void DenseHighF32(float* psi, const DenseHigh<float>& g, uint64_t b, uint64_t e) { DenseHighAny<float>(psi, g, b, e); }
static void DenseLowF64(double* psi, const DenseLow<double>& g, uint64_t b, uint64_t e) { DenseLowAny<double>(psi, g, b, e); }
static void DenseLowF32(float* psi, const DenseLow<float>& g, uint64_t b, uint64_t e) { DenseLowAny<float>(psi, g, b, e); }
static void PermHighF64(double* psi, const PermHigh<double>& g, uint64_t b, uint64_t e) { PermHighAny<double>(psi, g, b, e); }
static void PermHighF32(float* psi, const PermHigh<float>& g, uint64_t b, uint64_t e) { PermHighAny<float>(psi, g, b, e); }
static void DiagF64(double* psi, const Diag<double>& g, uint64_t b, uint64_t e) { DiagAny<double>(psi, g, b, e); }
static void DiagF32(float* psi, const Diag<float>& g, uint64_t b, uint64_t e) { DiagAny<float>(psi, g, b, e); }
static void PauliF64(const double* psi, const PauliMasks& p, uint64_t b, uint64_t e, double out[2]) { PauliAny<double>(psi, p, b, e, out); }
static void PauliF32(const float* psi, const PauliMasks& p, uint64_t b, uint64_t e, double out[2]) { PauliAny<float>(psi, p, b, e, out); }
static double NormF64(const double* psi, uint64_t b, uint64_t e) { return NormAny<double>(psi, b, e); }
static double NormF32(const float* psi, uint64_t b, uint64_t e) { return NormAny<float>(psi, b, e); }

}  // namespace QRUN_KNS
}  // namespace qrun
