import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, gateMatrix, kron, matmul, statevector, structureOf } from '../../../src/sim/index.js';
import { applyDenseK, applyDiagonal, applyPermutation } from '../../../src/sim/kernels.js';
import { arbitraryCircuit, circuit, fullMatrix, gate, matVec, maxDiff, measure, naiveStatevector } from './helpers.js';

/** A normalised random state of n qubits. */
function randomState(n: number, seed: number): Float64Array {
  let x = seed;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return ((x >>> 8) / 2 ** 24) * 2 - 1;
  };
  const v = Float64Array.from({ length: 2 << n }, next);
  const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  return v.map((a) => a / norm);
}

describe('kernels and fusion against a dense-matrix reference', () => {
  it('random circuits: the fused kernel path equals the naive product to 1e-12', () => {
    fc.assert(
      fc.property(arbitraryCircuit(5, 40), (c) => {
        const ref = naiveStatevector(c);
        expect(maxDiff(statevector(c, []), ref)).toBeLessThan(1e-12);
        expect(maxDiff(statevector(c, [], { fuse: false }), ref)).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('runs of single-qubit gates around two-qubit gates, the case fusion works hardest on', () => {
    const ops = [
      gate('h', [0]), gate('t', [0]), gate('rx', [1], 0.4), gate('rzx', [0, 1], 0.9),
      gate('ry', [0], 1.3), gate('cz', [0, 2]), gate('sx', [1]), gate('rz', [1], -0.2),
      gate('ecr', [2, 1]), gate('u', [2], 0.1, 0.2, 0.3), gate('ccx', [2, 0, 1]), gate('s', [0]), gate('h', [0]),
    ];
    const c = circuit(3, ops);
    expect(maxDiff(statevector(c, []), naiveStatevector(c))).toBeLessThan(1e-12);
    // Thirteen gates become a handful of sweeps: every 1q run is folded into a neighbouring dense gate.
    expect(compile(c, []).instrs.length).toBeLessThan(ops.length / 2);
  });

  it('fuses a run of single-qubit gates into one instruction, and keeps diagonal runs diagonal', () => {
    const dense = compile(circuit(1, [gate('h', [0]), gate('t', [0]), gate('h', [0]), gate('rz', [0], 0.3)]), []);
    expect(dense.instrs).toHaveLength(1);
    const diag = compile(circuit(1, [gate('t', [0]), gate('rz', [0], 0.3), gate('s', [0])]), []);
    expect(diag.instrs).toHaveLength(1);
    const only = diag.instrs[0]!;
    expect(only.op === 'unitary' && only.structured.kind).toBe('diagonal');
  });

  it('does not fuse across a measurement on the same qubit', () => {
    const p = compile(circuit(1, [gate('h', [0]), measure(0, 0), gate('h', [0])], 1), []);
    expect(p.instrs.map((i) => i.op)).toEqual(['unitary', 'measure', 'unitary']);
  });

  it('generic kernels equal the dense reference on random states', () => {
    const n = 5;
    const qubits = [3, 0, 4];
    // A dense 3-qubit unitary with no structure: (H ⊗ RX ⊗ U) · CCX-like mixing · (RY ⊗ H ⊗ SX)
    const g = matmul(
      kron(gateMatrix('h'), kron(gateMatrix('rx', [0.7]), gateMatrix('u', [0.3, 1.2, -0.4]))),
      matmul(gateMatrix('ccx'), kron(gateMatrix('ry', [2.1]), kron(gateMatrix('h'), gateMatrix('sx')))),
    );
    expect(structureOf(g).kind).toBe('dense');
    const psi = randomState(n, 7);
    const ref = matVec(fullMatrix(n, qubits, g), psi);
    const got = psi.slice();
    applyDenseK(got, n, qubits, g.data);
    expect(maxDiff(got, ref)).toBeLessThan(1e-12);

    const cswap = structureOf(gateMatrix('cswap'));
    if (cswap.kind !== 'permutation') throw new Error('cswap should be a permutation');
    const p = psi.slice();
    applyPermutation(p, n, [1, 4, 2], cswap.perm, cswap.phases);
    expect(maxDiff(p, matVec(fullMatrix(n, [1, 4, 2], gateMatrix('cswap')), psi))).toBeLessThan(1e-12);

    const ccz = structureOf(gateMatrix('ccz'));
    if (ccz.kind !== 'diagonal') throw new Error('ccz should be diagonal');
    const d = psi.slice();
    applyDiagonal(d, n, [4, 2, 0], ccz.diag);
    expect(maxDiff(d, matVec(fullMatrix(n, [4, 2, 0], gateMatrix('ccz')), psi))).toBeLessThan(1e-12);
  });

  it('gives H⊗n uniform probabilities', () => {
    for (const n of [1, 4, 10]) {
      const sv = statevector(circuit(n, Array.from({ length: n }, (_, q) => gate('h', [q]))), []);
      for (let i = 0; i < 1 << n; i++) {
        expect(sv[2 * i]! ** 2 + sv[2 * i + 1]! ** 2).toBeCloseTo(1 / 2 ** n, 14);
      }
    }
  });

  it('binds parameters by position in circuit.parameters', () => {
    const c = {
      ...circuit(1, []),
      parameters: ['theta'],
      ops: [{ kind: 'gate' as const, name: 'ry', qubits: [0], params: [{ kind: 'param' as const, name: 'theta' }] }],
    };
    const sv = statevector(c, [Math.PI / 3]);
    expect(sv[2]).toBeCloseTo(Math.sin(Math.PI / 6), 14);
    expect(() => statevector(c, [])).toThrow(expect.objectContaining({ code: 'OPTION_INVALID' }));
    expect(() => statevector(c, [Number.NaN])).toThrow(expect.objectContaining({ code: 'OPTION_INVALID' }));
  });

  it('rejects gates outside the standard set and dynamic circuits', () => {
    const bad = circuit(1, [{ kind: 'gate', name: 'foo', qubits: [0], params: [] }]);
    expect(() => statevector(bad, [])).toThrow(expect.objectContaining({ code: 'CIRCUIT_UNSUPPORTED' }));
    const dyn = circuit(1, [measure(0, 0), gate('x', [0])], 1);
    expect(() => statevector(dyn, [])).toThrow(expect.objectContaining({ code: 'CIRCUIT_UNSUPPORTED' }));
  });
});
