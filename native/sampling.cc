#include "sampling.h"

#include <algorithm>

#include "rng.h"

namespace qrun {

namespace {

constexpr uint64_t kShotsPerChunk = 1 << 14;

// Cumulative probabilities written over the state's own memory as float64: entry i takes bytes
// [8i, 8i + 8), which belong to amplitude i/2 (complex128) or i (complex64), both read by then.
template <typename T>
double* CumulativeInPlace(Context& ctx, State<T>& state) {
  T* psi = state.data();
  double* cum = reinterpret_cast<double*>(psi);
  const uint64_t size = state.size();
  if constexpr (sizeof(T) == 4) {
    // Entry i overlaps only amplitude i, so chunks can be done in parallel: sums first, then prefix.
    const uint64_t pieces = std::max<uint64_t>(1, std::min<uint64_t>(64, size >> 14));
    std::vector<uint64_t> bound(pieces + 1);
    for (uint64_t i = 0; i <= pieces; ++i) bound[i] = size / pieces * i + std::min(i, size % pieces);
    std::vector<double> sums(pieces + 1, 0.0);
    ctx.pool.For(pieces, 1, [&](uint64_t pb, uint64_t pe) {
      for (uint64_t c = pb; c < pe; ++c) {
        double acc = 0;
        for (uint64_t i = bound[c]; i < bound[c + 1]; ++i) {
          const double re = psi[2 * i], im = psi[2 * i + 1];
          acc += re * re + im * im;
          cum[i] = acc;
        }
        sums[c + 1] = acc;
      }
    });
    for (uint64_t c = 1; c <= pieces; ++c) sums[c] += sums[c - 1];
    ctx.pool.For(pieces, 1, [&](uint64_t pb, uint64_t pe) {
      for (uint64_t c = pb; c < pe; ++c) {
        const double offset = sums[c];
        if (offset != 0)
          for (uint64_t i = bound[c]; i < bound[c + 1]; ++i) cum[i] += offset;
      }
    });
  } else {
    double acc = 0;
    for (uint64_t i = 0; i < size; ++i) {
      const double re = psi[2 * i], im = psi[2 * i + 1];
      acc += re * re + im * im;
      cum[i] = acc;
    }
  }
  return cum;
}

inline uint64_t Search(const double* cum, uint64_t size, double target) {
  uint64_t lo = 0, hi = size - 1;
  while (lo < hi) {
    const uint64_t mid = (lo + hi) >> 1;
    if (cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

}  // namespace

template <typename T>
void SampleTerminal(Context& ctx, State<T>& state, const std::vector<MeasureTarget>& targets, const uint32_t seed[4],
                    const double* readout, uint64_t shots, uint32_t bytes_per_shot, uint8_t* memory) {
  const double* cum = CumulativeInPlace(ctx, state);
  const uint64_t size = state.size();
  const double total = cum[size - 1];

  // The random stream is sequential; one pass draws the basis uniforms and remembers the generator
  // at each chunk start so the readout draws can be replayed in parallel.
  const uint64_t chunks = (shots + kShotsPerChunk - 1) / kShotsPerChunk;
  std::vector<double> uniforms(shots);
  std::vector<Xoshiro128> at_chunk(chunks);
  Xoshiro128 rng(seed);
  const size_t per_shot_readout = readout != nullptr ? targets.size() : 0;
  for (uint64_t s = 0; s < shots; ++s) {
    if (s % kShotsPerChunk == 0) at_chunk[s / kShotsPerChunk] = rng;
    uniforms[s] = rng.NextDouble();
    for (size_t j = 0; j < per_shot_readout; ++j) (void)rng.NextDouble();
  }

  ctx.pool.For(chunks, 1, [&](uint64_t cb, uint64_t ce) {
    for (uint64_t c = cb; c < ce; ++c) {
      Xoshiro128 local = at_chunk[c];
      const uint64_t s_end = std::min(shots, (c + 1) * kShotsPerChunk);
      for (uint64_t s = c * kShotsPerChunk; s < s_end; ++s) {
        const uint64_t index = Search(cum, size, uniforms[s] * total);
        uint8_t* record = memory + s * bytes_per_shot;
        if (readout != nullptr) (void)local.NextDouble();
        for (const MeasureTarget& m : targets) {
          int bit = static_cast<int>((index >> m.qubit) & 1);
          if (readout != nullptr) {
            const double u = local.NextDouble();
            bit = bit == 0 ? (u < readout[0] ? 1 : 0) : (u < readout[1] ? 0 : 1);
          }
          const uint8_t mask = uint8_t(1u << (m.clbit & 7));
          if (bit) record[m.clbit >> 3] |= mask;
          else record[m.clbit >> 3] &= uint8_t(~mask);
        }
      }
    }
  });
}

template void SampleTerminal<double>(Context&, State<double>&, const std::vector<MeasureTarget>&, const uint32_t[4],
                                     const double*, uint64_t, uint32_t, uint8_t*);
template void SampleTerminal<float>(Context&, State<float>&, const std::vector<MeasureTarget>&, const uint32_t[4],
                                    const double*, uint64_t, uint32_t, uint8_t*);

}  // namespace qrun
