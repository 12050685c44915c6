#include "sampling.h"

#include <algorithm>
#include <cmath>
#include <utility>

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
std::vector<uint64_t> DrawIndices(Context& ctx, State<T>& state, Xoshiro128& rng, uint64_t shots) {
  const double* cum = CumulativeInPlace(ctx, state);
  const uint64_t size = state.size();

  // Sorted uniforms from exponential spacings: target_s = (E_1 + ... + E_s) / (E_1 + ... + E_{shots+1})
  // times the total probability (src/sim/measure.ts sampleIndices, draw for draw).
  std::vector<double> target(shots);
  double acc = 0;
  for (uint64_t s = 0; s < shots; ++s) {
    acc -= std::log(1 - rng.NextDouble());
    target[s] = acc;
  }
  const double total = acc - std::log(1 - rng.NextDouble());
  const double scale = cum[size - 1] / total;

  // One walk of the distribution: shot s gets the first i with cum[i] > target (the last index at
  // most). Targets are sorted, so each chunk of shots starts with a binary search and then walks.
  std::vector<uint64_t> index(shots);
  const uint64_t chunks = (shots + kShotsPerChunk - 1) / kShotsPerChunk;
  ctx.pool.For(chunks, 1, [&](uint64_t cb, uint64_t ce) {
    for (uint64_t c = cb; c < ce; ++c) {
      const uint64_t s0 = c * kShotsPerChunk;
      const uint64_t s1 = std::min(shots, s0 + kShotsPerChunk);
      uint64_t i = Search(cum, size, target[s0] * scale);
      for (uint64_t s = s0; s < s1; ++s) {
        const double t = target[s] * scale;
        while (i < size - 1 && cum[i] <= t) ++i;
        index[s] = i;
      }
    }
  });

  // Fisher-Yates, so shots come out in an i.i.d. order.
  for (uint64_t s = shots - 1; s > 0; --s) {
    const uint64_t j = static_cast<uint64_t>(std::floor(rng.NextDouble() * static_cast<double>(s + 1)));
    std::swap(index[s], index[j]);
  }
  return index;
}

template <typename T>
void SampleTerminal(Context& ctx, State<T>& state, const std::vector<MeasureTarget>& targets, const uint32_t seed[4],
                    const double* readout, uint64_t shots, uint32_t bytes_per_shot, uint8_t* memory) {
  Xoshiro128 rng(seed);
  const std::vector<uint64_t> index = DrawIndices(ctx, state, rng, shots);

  auto write = [&](uint8_t* record, int clbit, int bit) {
    const uint8_t mask = uint8_t(1u << (clbit & 7));
    if (bit) record[clbit >> 3] |= mask;
    else record[clbit >> 3] &= uint8_t(~mask);
  };
  if (readout != nullptr) {
    // One uniform per measurement, shot by shot, after all the index draws.
    for (uint64_t s = 0; s < shots; ++s) {
      uint8_t* record = memory + s * bytes_per_shot;
      for (const MeasureTarget& m : targets) {
        const int bit = static_cast<int>((index[s] >> m.qubit) & 1);
        const double u = rng.NextDouble();
        write(record, m.clbit, bit == 0 ? (u < readout[0] ? 1 : 0) : (u < readout[1] ? 0 : 1));
      }
    }
    return;
  }
  ctx.pool.For(shots, kShotsPerChunk, [&](uint64_t b, uint64_t e) {
    for (uint64_t s = b; s < e; ++s) {
      uint8_t* record = memory + s * bytes_per_shot;
      for (const MeasureTarget& m : targets) write(record, m.clbit, static_cast<int>((index[s] >> m.qubit) & 1));
    }
  });
}

template std::vector<uint64_t> DrawIndices<double>(Context&, State<double>&, Xoshiro128&, uint64_t);
template std::vector<uint64_t> DrawIndices<float>(Context&, State<float>&, Xoshiro128&, uint64_t);
template void SampleTerminal<double>(Context&, State<double>&, const std::vector<MeasureTarget>&, const uint32_t[4],
                                     const double*, uint64_t, uint32_t, uint8_t*);
template void SampleTerminal<float>(Context&, State<float>&, const std::vector<MeasureTarget>&, const uint32_t[4],
                                    const double*, uint64_t, uint32_t, uint8_t*);

}  // namespace qrun
