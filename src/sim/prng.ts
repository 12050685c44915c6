/**
 * The simulator's pseudo-random generator: xoshiro128** (Blackman & Vigna, 2018), seeded through
 * splitmix32. xoshiro128** is small (four 32-bit words), fast with Math.imul, passes BigCrush, and
 * has a published reference implementation, so the native engine can reproduce the exact stream.
 *
 * Seeding: a JS number seed (any finite value) is split into its low and high 32-bit words; those feed
 * a splitmix32 sequence whose first four outputs become the state. Doubles in [0, 1) take 53 bits from
 * two consecutive 32-bit outputs (the high 27 bits of the first, the high 26 of the second), the same
 * construction as the reference `next_double` for 64-bit generators.
 */

export interface Prng {
  /** The next 32-bit output as an unsigned integer. */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number;
}

/** One step of splitmix32 (a 32-bit variant of Steele, Lea & Flood's SplitMix): only used to seed. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Expands a user seed into the four state words of xoshiro128**. */
export function seedState(seed: number): Uint32Array {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const integral = Math.trunc(seed);
  const lo = integral >>> 0;
  const hi = Math.floor(integral / 0x1_0000_0000) >>> 0;
  // Mixing hi into the starting point keeps seeds that differ only above bit 31 apart.
  const sm = { s: (lo ^ Math.imul(hi, 0x85ebca6b)) | 0 };
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = splitmix32(sm);
  // The all-zero state is the one fixed point of xoshiro; splitmix makes it practically impossible,
  // but the guard costs nothing.
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

/** xoshiro128** over an explicit state (four uint32 words, not all zero). */
export function xoshiro128ss(initial: Uint32Array): Prng {
  let s0 = initial[0]! | 0;
  let s1 = initial[1]! | 0;
  let s2 = initial[2]! | 0;
  let s3 = initial[3]! | 0;
  const nextUint32 = (): number => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
  return {
    nextUint32,
    nextDouble(): number {
      const a = nextUint32() >>> 5;
      const b = nextUint32() >>> 6;
      return (a * 67108864 + b) / 9007199254740992; // (a * 2^26 + b) / 2^53
    },
  };
}

/** The generator every engine run uses: xoshiro128** seeded from `seed` as described above. */
export function createPrng(seed: number): Prng {
  return xoshiro128ss(seedState(seed));
}
