import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/circuit/ir.js';
import { createTsEngine } from '../../../src/sim/index.js';
import { binomialBound, circuit, gate, measure } from './helpers.js';

const engine = createTsEngine();
const Z0 = { terms: [{ label: 'Z', coeff: 1 }] };

function onesFraction(memory: Uint8Array, bit = 0): number {
  let ones = 0;
  for (const b of memory) ones += (b >> bit) & 1;
  return ones;
}

describe('readout error', () => {
  it('flips 0→1 at p01 and 1→0 at p10 within 5σ', async () => {
    const shots = 20_000;
    const noise = { readout: { p01: 0.1, p10: 0.25 } };
    const zero = await engine.sample(circuit(1, [measure(0, 0)], 1), [], { shots, seed: 1, noise });
    expect(Math.abs(onesFraction(zero.memory) - shots * 0.1)).toBeLessThan(binomialBound(shots, 0.1));
    const one = await engine.sample(circuit(1, [gate('x', [0]), measure(0, 0)], 1), [], { shots, seed: 2, noise });
    expect(Math.abs(shots - onesFraction(one.memory) - shots * 0.25)).toBeLessThan(binomialBound(shots, 0.25));
  });

  it('applies to mid-circuit outcomes too: a conditional sees the flipped bit', async () => {
    const shots = 10_000;
    // The qubit stays |0⟩; only the misread outcome (p01 = 0.2) triggers the x on q1.
    const c = circuit(2, [measure(0, 0), { kind: 'if', condition: { clbits: [0], value: 1 }, then: [gate('x', [1])], else: [] }, measure(1, 1)], 2);
    const mem = await engine.sample(c, [], { shots, seed: 4, noise: { readout: { p01: 0.2, p10: 0 } } });
    // q1 becomes |1⟩ when c0 is misread (0.2) and is then read right (p10 = 0); otherwise it stays |0⟩
    // and is misread with p01: P(c1 = 1) = 0.2 + 0.8·0.2 = 0.36.
    expect(Math.abs(onesFraction(mem.memory, 1) - shots * 0.36)).toBeLessThan(binomialBound(shots, 0.36));
  });
});

describe('depolarizing noise', () => {
  /**
   * Convention: with probability p a uniformly chosen non-identity Pauli is applied. One 1-qubit
   * channel maps ⟨Z⟩ → (1 − 4p/3)⟨Z⟩ (X and Y flip it, Z does not: 1 − p − p/3), so k channels on
   * |0⟩ give exactly ⟨Z⟩ = (1 − 4p/3)^k.
   */
  it('shrinks ⟨Z⟩ as (1 − 4p/3)^k after k single-qubit gates', async () => {
    const p = 0.05;
    const k = 10;
    const expected = (1 - (4 * p) / 3) ** k;
    const c = circuit(1, Array.from({ length: k }, (): Op => gate('id', [0])));
    const trajectories = 4000;
    const [ev] = await engine.expectationValues(c, [], [Z0], { noise: { depolarizing: { p1: p, p2: 0 } }, seed: 5, trajectories });
    // Every trajectory stays a basis state, so ⟨Z⟩ per trajectory is ±1: σ = √((1 − m²)/T).
    expect(Math.abs(ev! - expected)).toBeLessThan(5 * Math.sqrt((1 - expected ** 2) / trajectories));

    const shots = 20_000;
    const mem = await engine.sample(circuit(1, [...c.ops, measure(0, 0)], 1), [], { shots, seed: 6, noise: { depolarizing: { p1: p, p2: 0 } } });
    const p1 = (1 - expected) / 2;
    expect(Math.abs(onesFraction(mem.memory) - shots * p1)).toBeLessThan(binomialBound(shots, p1));
  });

  /** 2-qubit channel: 8 of the 15 non-identity Paulis have X or Y on a given qubit: ⟨Z⟩ → (1 − 16p/15)⟨Z⟩. */
  it('shrinks ⟨Z⟩ on each qubit as (1 − 16p/15)^k after k two-qubit gates', async () => {
    const p = 0.06;
    const k = 8;
    const expected = (1 - (16 * p) / 15) ** k;
    // cz on a basis state only adds phases, so the bit flips come from the noise alone.
    const c = circuit(2, Array.from({ length: k }, (): Op => gate('cz', [0, 1])));
    const trajectories = 4000;
    const noise = { depolarizing: { p1: 0.5, p2: p } }; // p1 must not matter: there are no 1q gates
    const [z0, z1] = await engine.expectationValues(c, [], [{ terms: [{ label: 'IZ', coeff: 1 }] }, { terms: [{ label: 'ZI', coeff: 1 }] }], { noise, seed: 8, trajectories });
    const bound = 5 * Math.sqrt((1 - expected ** 2) / trajectories);
    expect(Math.abs(z0! - expected)).toBeLessThan(bound);
    expect(Math.abs(z1! - expected)).toBeLessThan(bound);
  });

  it('is reproducible for a seed and averages to the exact value with p = 0', async () => {
    const c = circuit(2, [gate('h', [0]), gate('cx', [0, 1]), gate('rx', [1], 0.3)]);
    const noise = { depolarizing: { p1: 0.02, p2: 0.05 } };
    const obs = [{ terms: [{ label: 'XX', coeff: 1 }, { label: 'ZZ', coeff: 0.5 }] }];
    const a = await engine.expectationValues(c, [], obs, { noise, seed: 3, trajectories: 50 });
    expect(await engine.expectationValues(c, [], obs, { noise, seed: 3, trajectories: 50 })).toEqual(a);
    const exact = await engine.expectationValues(c, [], obs);
    const zero = await engine.expectationValues(c, [], obs, { noise: { depolarizing: { p1: 0, p2: 0 } }, trajectories: 3 });
    expect(zero[0]).toBeCloseTo(exact[0]!, 12);
  });
});

describe('amplitude damping', () => {
  it('decays |1⟩ as (1 − γ)^m after m damped gates', async () => {
    const gamma = 0.1;
    const k = 5;
    // x itself is followed by damping too: m = k + 1 applications.
    const m = k + 1;
    const survive = (1 - gamma) ** m;
    const ops = [gate('x', [0]), ...Array.from({ length: k }, (): Op => gate('id', [0]))];
    const shots = 20_000;
    const mem = await engine.sample(circuit(1, [...ops, measure(0, 0)], 1), [], { shots, seed: 12, noise: { amplitudeDamping: { gamma } } });
    expect(Math.abs(onesFraction(mem.memory) - shots * survive)).toBeLessThan(binomialBound(shots, survive));
    const trajectories = 4000;
    const [ev] = await engine.expectationValues(circuit(1, ops), [], [Z0], { noise: { amplitudeDamping: { gamma } }, seed: 13, trajectories });
    // Each trajectory ends in |0⟩ or |1⟩: ⟨Z⟩ = 1 − 2·P(1), σ = 2·√(s(1−s)/T).
    expect(Math.abs(ev! - (1 - 2 * survive))).toBeLessThan(10 * Math.sqrt((survive * (1 - survive)) / trajectories));
  });

  it('damps |+⟩ coherently: ⟨X⟩ = √(1 − γ) exactly on every trajectory that does not jump', async () => {
    // From |+⟩, one damping step: jump with probability γ/2 (→ |0⟩, ⟨X⟩ = 0); otherwise the state is
    // (|0⟩ + √(1−γ)|1⟩)/√(2 − γ) with ⟨X⟩ = 2√(1−γ)/(2 − γ). Averaged: ⟨X⟩ = √(1 − γ), the channel's value.
    const gamma = 0.3;
    const trajectories = 20_000;
    const [ev] = await engine.expectationValues(circuit(1, [gate('h', [0])]), [], [{ terms: [{ label: 'X', coeff: 1 }] }], {
      noise: { amplitudeDamping: { gamma } },
      seed: 14,
      trajectories,
    });
    const noJump = 2 * Math.sqrt(1 - gamma) / (2 - gamma);
    const pj = gamma / 2;
    const sigma = noJump * Math.sqrt(pj * (1 - pj) / trajectories);
    expect(Math.abs(ev! - Math.sqrt(1 - gamma))).toBeLessThan(5 * sigma);
  });
});

describe('readout error in expectation values', () => {
  const c = circuit(3, [gate('h', [0]), gate('cx', [0, 1]), gate('ry', [2], 0.9), gate('rzx', [1, 2], 0.4), gate('s', [1])]);
  const labels = ['ZZZ', 'IXZ', 'YYI', 'XIX', 'ZII'];
  const obs = labels.map((label) => ({ terms: [{ label, coeff: 1 }] }));

  it('equals the exact value with p01 = p10 = 0 and scales by (1 − 2p)^|support| when symmetric', async () => {
    const exact = await engine.expectationValues(c, [], obs);
    const none = await engine.expectationValues(c, [], obs, { noise: { readout: { p01: 0, p10: 0 } } });
    none.forEach((v, i) => expect(v).toBeCloseTo(exact[i]!, 12));
    const p = 0.07;
    const sym = await engine.expectationValues(c, [], obs, { noise: { readout: { p01: p, p10: p } } });
    labels.forEach((label, i) => {
      const weight = [...label].filter((ch) => ch !== 'I').length;
      expect(sym[i]).toBeCloseTo((1 - 2 * p) ** weight * exact[i]!, 12);
    });
  });

  it('matches what the sampler measures with the same asymmetric readout error (4σ)', async () => {
    const readout = { p01: 0.05, p10: 0.15 };
    const evs = await engine.expectationValues(c, [], obs, { noise: { readout } });
    const shots = 40_000;
    for (const [i, label] of labels.entries()) {
      const ops: Op[] = [...c.ops];
      for (let q = 0; q < 3; q++) {
        const ch = label[2 - q];
        if (ch === 'X') ops.push(gate('h', [q]));
        if (ch === 'Y') ops.push(gate('sdg', [q]), gate('h', [q]));
        if (ch !== 'I') ops.push(measure(q, q));
      }
      const mem = await engine.sample(circuit(3, ops, 3), [], { shots, seed: 50 + i, noise: { readout } });
      let sum = 0;
      for (const v of mem.memory) sum += ((v & 1) ^ ((v >> 1) & 1) ^ ((v >> 2) & 1)) === 0 ? 1 : -1;
      const sigma = Math.sqrt((1 - evs[i]! ** 2) / shots);
      expect(Math.abs(sum / shots - evs[i]!), label).toBeLessThan(4 * sigma);
    }
  });
});
