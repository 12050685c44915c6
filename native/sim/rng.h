// xoshiro128** seeded by the caller with four 32-bit words: the same generator, the same seeding
// (done in TypeScript, src/sim/prng.ts) and the same double construction as the TypeScript engine,
// so a seed gives the same random stream in both engines.
#pragma once

#include <cstdint>

namespace qrun {

class Xoshiro128 {
 public:
  Xoshiro128() = default;
  explicit Xoshiro128(const uint32_t s[4]) : s_{s[0], s[1], s[2], s[3]} {}

  uint32_t NextUint32() {
    const uint32_t result = Rotl(s_[1] * 5u, 7) * 9u;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 11);
    return result;
  }

  // 53 random bits: the high 27 bits of one output and the high 26 of the next.
  double NextDouble() {
    const uint32_t a = NextUint32() >> 5;
    const uint32_t b = NextUint32() >> 6;
    return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
  }

 private:
  static uint32_t Rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t s_[4] = {1, 0, 0, 0};
};

}  // namespace qrun
