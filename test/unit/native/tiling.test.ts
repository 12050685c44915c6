/**
 * Cache tiling (native/sim/tiling.h): a gate run cut into tiles gives the same state as every gate on
 * its own sweep. Tiles are forced small here (tileQubits 6..9) so that 11..12-qubit random circuits
 * are cut into many tiles with gates moved across each other, on every instruction set this CPU runs,
 * in both precisions, and for shots (the unitary prefix before mid-circuit measurements is tiled).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createNativeEngine } from '../../../src/native/engine.js';
import { createTsEngine, statevector } from '../../../src/sim/engine.js';
import { arbitraryDynamic, arbitraryGate, circuitOf, gateOp, maxAbsDiff } from './arbitrary.js';
import { nativeBinding } from './binding.js';

const binding = nativeBinding();
const ISAS = binding.info().isas;
afterAll(() => {
  binding.configure({ isa: 'auto', threads: 0 });
});

/** 11..12 qubits: at least tileQubits + 2, so the run is tiled whatever the tile width below. */
const wideCircuit = fc
  .integer({ min: 11, max: 12 })
  .chain((n) => fc.array(arbitraryGate(n), { minLength: 20, maxLength: 80 }).map((ops) => circuitOf(n, ops)));

/** qsim's brickwork shape: random 1-qubit gates on every qubit, then CZ on alternating pairs. */
function brickwork(n: number, depth: number, angles: readonly number[]) {
  const ops = [];
  let a = 0;
  for (let d = 0; d < depth; d++) {
    for (let q = 0; q < n; q++) ops.push(gateOp('u', [q], angles[a++ % angles.length]!, angles[a++ % angles.length]!, angles[a++ % angles.length]!));
    for (let q = d % 2; q + 1 < n; q += 2) ops.push(gateOp('cz', [q, q + 1]));
  }
  return circuitOf(n, ops);
}

describe.each(ISAS)('cache-tiled gate runs on %s kernels', (isa) => {
  const engine = createNativeEngine({ binding });
  const engine32 = createNativeEngine({ binding, precision: 'complex64' });

  it('agree with the TypeScript engine to 1e-10 (complex128) for tile widths 6..9', async () => {
    await fc.assert(
      fc.asyncProperty(wideCircuit, fc.integer({ min: 6, max: 9 }), async (c, tileQubits) => {
        binding.configure({ isa, tileQubits });
        const got = await engine.statevector(c, []);
        binding.configure({ isa, tileQubits: 0 });
        const untiled = await engine.statevector(c, []);
        expect(maxAbsDiff(got, statevector(c, []))).toBeLessThan(1e-10);
        expect(maxAbsDiff(got, untiled)).toBeLessThan(1e-12);
      }),
      { numRuns: 25, seed: 2024 },
    );
  });

  it('agree in complex64 within float32 rounding', async () => {
    await fc.assert(
      fc.asyncProperty(wideCircuit, fc.integer({ min: 6, max: 9 }), async (c, tileQubits) => {
        binding.configure({ isa, tileQubits });
        const got = await engine32.statevector(c, []);
        expect(maxAbsDiff(got, statevector(c, []))).toBeLessThan(c.ops.length * 8 * 2 ** -24 + 1e-6);
      }),
      { numRuns: 15, seed: 77 },
    );
  });

  it('run a 12-qubit brickwork of depth 20 as the TypeScript engine does', async () => {
    binding.configure({ isa, tileQubits: 7 });
    const c = brickwork(12, 20, [0.3, 1.7, -2.2, 2.9, 0.05, -1.1, 2.4]);
    expect(maxAbsDiff(await engine.statevector(c, []), statevector(c, []))).toBeLessThan(1e-10);
  });
});

describe('cache tiling and shots', () => {
  it('gives the same shots for a seed as the TypeScript engine on dynamic circuits of 10 qubits', async () => {
    const native = createNativeEngine({ binding });
    const ts = createTsEngine();
    const prefix = fc.array(arbitraryGate(10), { minLength: 10, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(prefix, arbitraryDynamic(10, 12), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (ops, dyn, seed) => {
        const c = circuitOf(10, [...ops, ...dyn.ops], 10);
        binding.configure({ tileQubits: 6 });
        const a = await native.sample(c, [], { shots: 40, seed });
        const b = await ts.sample(c, [], { shots: 40, seed });
        expect(a).toEqual(b);
      }),
      { numRuns: 10, seed: 5 },
    );
  });

  it('reports the configured tile width and refuses one too small to hold a tile', () => {
    expect(binding.configure({ tileQubits: 8 }).tileQubits).toBe(8);
    expect(binding.configure({}).tileQubits).toBe(-1);
    expect(() => binding.configure({ tileQubits: 3 })).toThrow(/tileQubits/);
  });
});
