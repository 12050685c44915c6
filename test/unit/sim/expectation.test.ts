import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/circuit/ir.js';
import { createTsEngine, expectationFromState, statevector } from '../../../src/sim/index.js';
import { arbitraryCircuit, circuit, gate, ifEq, measure, measureAll, naivePauli, naiveStatevector, reset } from './helpers.js';

const engine = createTsEngine();
const obs = (...terms: [string, number][]) => ({ terms: terms.map(([label, coeff]) => ({ label, coeff })) });
const bell = circuit(2, [gate('h', [0]), gate('cx', [0, 1])]);

describe('exact Pauli expectation values', () => {
  it('gives ⟨ZZ⟩ = ⟨XX⟩ = 1, ⟨YY⟩ = −1 and ⟨ZI⟩ = 0 on a Bell state', async () => {
    const evs = await engine.expectationValues(bell, [], [obs(['ZZ', 1]), obs(['XX', 1]), obs(['YY', 1]), obs(['ZI', 1]), obs(['XX', 0.5], ['YY', 0.5], ['II', 2])]);
    const expected = [1, 1, -1, 0, 2];
    evs.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('reads labels little-endian: the last character is qubit 0', async () => {
    const c = circuit(3, [gate('x', [0])]);
    const [z0, z2] = await engine.expectationValues(c, [], [obs(['IIZ', 1]), obs(['ZII', 1])]);
    expect(z0).toBeCloseTo(-1, 14);
    expect(z2).toBeCloseTo(1, 14);
  });

  it('equals ⟨ψ|P|ψ⟩ with the full Pauli matrix on random circuits (1e-12)', () => {
    const label = (n: number) => fc.array(fc.constantFrom('I', 'X', 'Y', 'Z'), { minLength: n, maxLength: n }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        arbitraryCircuit(4, 25).chain((c) => fc.tuple(fc.constant(c), fc.array(label(c.numQubits), { minLength: 1, maxLength: 6 }))),
        ([c, labels]) => {
          const ref = naiveStatevector(c);
          const got = expectationFromState(statevector(c, []), c.numQubits, labels.map((l) => obs([l, 1])));
          labels.forEach((l, i) => expect(Math.abs(got[i]! - naivePauli(ref, l))).toBeLessThan(1e-12));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ignores final measurements', async () => {
    const measured = circuit(2, [...bell.ops, ...measureAll(2)], 2);
    expect((await engine.expectationValues(measured, [], [obs(['XX', 1])]))[0]).toBeCloseTo(1, 12);
  });

  it('rejects mid-circuit measurement, reset and conditionals with CIRCUIT_UNSUPPORTED', async () => {
    const dynamic: Op[][] = [
      [gate('h', [0]), measure(0, 0), gate('x', [0])],
      [gate('h', [0]), reset(0)],
      [measure(0, 0), ifEq([0], 1, [gate('x', [1])])],
    ];
    for (const ops of dynamic) {
      await expect(engine.expectationValues(circuit(2, ops, 1), [], [obs(['ZZ', 1])])).rejects.toMatchObject({
        code: 'CIRCUIT_UNSUPPORTED',
      });
    }
  });

  it('rejects malformed observables with OBSERVABLE_INVALID', async () => {
    for (const o of [obs(['ZZZ', 1]), obs(['ZA', 1]), obs(['zz', 1]), obs(['ZZ', Number.NaN])]) {
      await expect(engine.expectationValues(bell, [], [o])).rejects.toMatchObject({ code: 'OBSERVABLE_INVALID' });
    }
  });
});

describe('sampled versus exact expectation values', () => {
  /**
   * ⟨P⟩ estimated from shots: rotate each non-identity qubit to the Z basis (H for X, S†·H for Y),
   * measure, and average (−1)^{parity}. The mean of N ±1 outcomes has σ = √((1 − ⟨P⟩²)/N); 4σ is
   * the bound asked of the engine (seeds are fixed, so this is deterministic).
   */
  it('agrees within 4σ on random circuits and Pauli strings', async () => {
    const shots = 20_000;
    const cases = fc.sample(
      arbitraryCircuit(4, 20).chain((c) =>
        fc.tuple(fc.constant(c), fc.array(fc.constantFrom('I', 'X', 'Y', 'Z'), { minLength: c.numQubits, maxLength: c.numQubits })),
      ),
      { numRuns: 20, seed: 1234 },
    );
    for (const [c, chars] of cases) {
      const n = c.numQubits;
      const label = chars.join('');
      const rotate: Op[] = [];
      const meas: Op[] = [];
      for (let q = 0; q < n; q++) {
        const ch = label[n - 1 - q];
        if (ch === 'X') rotate.push(gate('h', [q]));
        if (ch === 'Y') rotate.push(gate('sdg', [q]), gate('h', [q]));
        if (ch !== 'I') meas.push(measure(q, q));
      }
      const [exact] = await engine.expectationValues(c, [], [obs([label, 1])]);
      const mem = await engine.sample(circuit(n, [...c.ops, ...rotate, ...meas], n), [], { shots, seed: 99 });
      let sum = 0;
      for (let s = 0; s < shots; s++) {
        let v = mem.memory[s]!;
        let parity = 0;
        while (v) {
          parity ^= v & 1;
          v >>= 1;
        }
        sum += parity ? -1 : 1;
      }
      const sigma = Math.sqrt(Math.max(1 - exact! ** 2, 1e-12) / shots);
      expect(Math.abs(sum / shots - exact!), `${label} on ${JSON.stringify(c.ops.length)} gates`).toBeLessThanOrEqual(4 * sigma + 1e-12);
    }
  });
});
