import { describe, expect, it } from 'vitest';
import { createPrng, xoshiro128ss } from '../../../src/sim/index.js';

describe('PRNG (xoshiro128** seeded by splitmix32)', () => {
  it('reproduces the reference C implementation of xoshiro128**', () => {
    // First outputs of Blackman & Vigna's reference xoshiro128starstar.c (compiled with gcc) from
    // these states.
    const a = xoshiro128ss(Uint32Array.of(1, 2, 3, 4));
    expect(Array.from({ length: 6 }, () => a.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    const b = xoshiro128ss(Uint32Array.of(0x9e3779b9, 0x12345678, 0xdeadbeef, 0xcafebabe));
    expect(Array.from({ length: 6 }, () => b.nextUint32())).toEqual([
      2576977301, 1472368062, 3841728070, 1492763831, 2297841399, 3575001609,
    ]);
  });

  it('gives the same stream for the same seed and different streams otherwise', () => {
    const draw = (seed: number) => {
      const r = createPrng(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // Seeds that differ only above bit 31 are distinct seeds too.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it('draws doubles in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = createPrng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextDouble();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    expect(outside).toBe(0);
    // σ of the mean is √(1/12/n) ≈ 6.5e-4; 5σ ≈ 3.2e-3.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sq / n - sum ** 2 / n ** 2 - 1 / 12)).toBeLessThan(2e-3);
  });
});
