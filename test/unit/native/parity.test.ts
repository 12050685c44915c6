/**
 * The native engine against the TypeScript engine (the parity oracle) on random circuits: final
 * statevectors agree to 1e-10 in complex128 on every instruction set this CPU runs, and within a
 * rounding bound in complex64.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createNativeEngine } from '../../../src/native/engine.js';
import { DEFAULT_FUSION } from '../../../src/native/fusion.js';
import { statevector } from '../../../src/sim/engine.js';
import { arbitraryGate, arbitraryUnitary, circuitOf, countGates, gateOp, maxAbsDiff } from './arbitrary.js';
import { nativeBinding } from './binding.js';

const binding = nativeBinding();
const ISAS = binding.info().isas;
afterAll(() => {
  binding.configure({ isa: 'auto', threads: 0 });
});

/**
 * complex64 bound: each fused sweep computes every amplitude as a sum of at most 2^k products, so
 * in 2-norm it adds at most ~2^k · u of error (u = 2^-24, float32 unit roundoff) on a unit-norm state;
 * the number of sweeps is at most the number of gates. Amplitudes are converted once more on the way
 * out (another u).
 */
function complex64Bound(gates: number): number {
  return (gates * 2 ** DEFAULT_FUSION.maxQubits + 2) * 2 ** -24;
}

describe.each(ISAS)('native statevector on %s kernels', (isa) => {
  const engine = createNativeEngine({ binding });
  const engine32 = createNativeEngine({ binding, precision: 'complex64' });

  it('agrees with the TypeScript engine to 1e-10 (complex128) on random circuits of 1..9 qubits', async () => {
    binding.configure({ isa });
    await fc.assert(
      fc.asyncProperty(arbitraryUnitary(1, 9, 40), async (c) => {
        const want = statevector(c, []);
        const got = await engine.statevector(c, []);
        expect(got.length).toBe(want.length);
        expect(maxAbsDiff(got, want)).toBeLessThan(1e-10);
      }),
      { numRuns: 150, seed: 1234 },
    );
  });

  it('agrees within the float32 rounding bound (complex64)', async () => {
    binding.configure({ isa });
    await fc.assert(
      fc.asyncProperty(arbitraryUnitary(1, 9, 40), async (c) => {
        const want = statevector(c, []);
        const got = await engine32.statevector(c, []);
        expect(maxAbsDiff(got, want)).toBeLessThan(complex64Bound(countGates(c.ops)));
      }),
      { numRuns: 100, seed: 4321 },
    );
  });
});

describe('native statevector, larger states (threaded kernels)', () => {
  const engine = createNativeEngine({ binding });

  it('agrees with the TypeScript engine on 16- and 17-qubit random circuits, with 1 and 2 threads alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 16, max: 17 }).chain((n) => fc.array(arbitraryGate(n), { minLength: 10, maxLength: 30 }).map((ops) => circuitOf(n, ops))),
        async (c) => {
          const want = statevector(c, []);
          binding.configure({ threads: 2 });
          const two = await engine.statevector(c, []);
          binding.configure({ threads: 1 });
          const one = await engine.statevector(c, []);
          binding.configure({ threads: 0 });
          expect(maxAbsDiff(two, want)).toBeLessThan(1e-10);
          expect(maxAbsDiff(one, two)).toBe(0);
        },
      ),
      { numRuns: 6, seed: 99 },
    );
  });

  it('keeps wide diagonal blocks diagonal and exact (QFT-like controlled phases on 12 qubits)', async () => {
    const n = 12;
    const ops = [];
    for (let q = 0; q < n; q++) ops.push(gateOp('h', [q]));
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) ops.push(gateOp('cp', [a, b], Math.PI / 2 ** (b - a)));
    for (let q = 0; q < n; q++) ops.push(gateOp('rz', [q], 0.1 * q));
    const c = circuitOf(n, ops);
    expect(maxAbsDiff(await engine.statevector(c, []), statevector(c, []))).toBeLessThan(1e-10);
  });

  it('gives identical states for every fusion width from 1 to 6 qubits', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryUnitary(6, 10, 40), async (c) => {
        const want = statevector(c, []);
        for (let k = 1; k <= 6; k++) {
          const e = createNativeEngine({ binding, fusion: { maxQubits: Math.max(k, 3), maxDiagonalQubits: 2 * k } });
          expect(maxAbsDiff(await e.statevector(c, []), want)).toBeLessThan(1e-10);
        }
      }),
      { numRuns: 15, seed: 7 },
    );
  });
});
