import { describe, expect, it } from 'vitest';
import { binomial } from '../../../src/sim/binomial.js';
import { createPrng } from '../../../src/sim/prng.js';

describe('binomial shot splits', () => {
  it('draws nothing for a certain outcome', () => {
    const rng = createPrng(1);
    expect([binomial(1000, 0, rng), binomial(1000, 1, rng), binomial(0, 0.3, rng)]).toEqual([0, 1000, 0]);
    // The stream is untouched: the next draw is the generator's first.
    expect(rng.nextDouble()).toBe(createPrng(1).nextDouble());
  });

  it.each([
    [1, 0.5],
    [10, 0.2],
    [1024, 0.5],
    [1024, 0.003],
    [1_000_000, 0.37],
    [5, 0.999],
  ])('Bin(%i, %f) has the right mean and variance, always within 0..n', (n, p) => {
    const rng = createPrng(n);
    const draws = n > 10_000 ? 40 : 4000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < draws; i++) {
      const x = binomial(n, p, rng);
      expect(Number.isInteger(x) && x >= 0 && x <= n).toBe(true);
      sum += x;
      squares += x * x;
    }
    const mean = sum / draws;
    const variance = squares / draws - mean * mean;
    const sigma = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((6 * sigma) / Math.sqrt(draws) + 1e-9);
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(6 * Math.sqrt(2 / draws) * sigma ** 2 + 1e-9);
  });
});
