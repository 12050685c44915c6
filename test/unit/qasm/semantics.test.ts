/**
 * Numerical checks that what the parser emits means what the program says: library gates, inv @,
 * ctrl @ and the printer's gate definitions are compared as unitaries (built with the simulator's
 * gate matrices) against the gates they stand for.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, evalExpr, isStandardGate, type Circuit } from '../../../src/circuit/ir.js';
import { DEFINITIONS } from '../../../src/qasm/printer.js';
import { parseQasm } from '../../../src/qasm/index.js';
import { gateMatrix } from '../../../src/sim/gates.js';

type Unitary = { re: number; im: number }[][];

/** Column j is the circuit applied to basis state j; bit k of an index is qubit k. */
function unitary(circuit: Circuit): Unitary {
  const n = circuit.numQubits;
  const dim = 2 ** n;
  const columns: Unitary = [];
  for (let col = 0; col < dim; col++) {
    const re = new Float64Array(dim);
    const im = new Float64Array(dim);
    re[col] = 1;
    for (const op of circuit.ops) {
      if (op.kind !== 'gate' || !isStandardGate(op.name)) throw new Error(`unexpected op ${op.kind}`);
      const m = gateMatrix(op.name, op.params.map((p) => evalExpr(p, new Map())));
      const k = op.qubits.length;
      const mask = op.qubits.reduce((acc, q) => acc | (1 << q), 0);
      for (let base = 0; base < dim; base++) {
        if ((base & mask) !== 0) continue;
        const idx = Array.from({ length: 2 ** k }, (_, s) => op.qubits.reduce((acc, q, j) => acc | (((s >> j) & 1) << q), base));
        const inRe = idx.map((i) => re[i] ?? 0);
        const inIm = idx.map((i) => im[i] ?? 0);
        idx.forEach((i, r) => {
          let sr = 0;
          let si = 0;
          for (let c = 0; c < idx.length; c++) {
            const mr = m.data[2 * (r * m.dim + c)] ?? 0;
            const mi = m.data[2 * (r * m.dim + c) + 1] ?? 0;
            sr += mr * (inRe[c] ?? 0) - mi * (inIm[c] ?? 0);
            si += mr * (inIm[c] ?? 0) + mi * (inRe[c] ?? 0);
          }
          re[i] = sr;
          im[i] = si;
        });
      }
    }
    columns.push(Array.from(re, (r, i) => ({ re: r, im: im[i] ?? 0 })));
  }
  return columns;
}

/** Equal up to a global phase, which no measurement can see. */
function expectSameUpToPhase(a: Unitary, b: Unitary): void {
  let phase: { re: number; im: number } | null = null;
  a.forEach((col, j) =>
    col.forEach((x, i) => {
      const y = b[j]?.[i] ?? { re: 0, im: 0 };
      if (phase === null && Math.hypot(y.re, y.im) > 1e-6) {
        const d = y.re * y.re + y.im * y.im;
        phase = { re: (x.re * y.re + x.im * y.im) / d, im: (x.im * y.re - x.re * y.im) / d };
      }
      const p = phase ?? { re: 1, im: 0 };
      expect(x.re).toBeCloseTo(p.re * y.re - p.im * y.im, 9);
      expect(x.im).toBeCloseTo(p.re * y.im + p.im * y.re, 9);
    }),
  );
}

const u = (n: number, body: string): Unitary => unitary(parseQasm(`OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[${n}] q;\n${body}`));

/** X or √X on `target` when every control is 1. */
function multiControlled(n: number, controls: number[], target: number, gate: 'x' | 'sx'): Unitary {
  const m = gateMatrix(gate);
  const dim = 2 ** n;
  return Array.from({ length: dim }, (_, col) => {
    const out = Array.from({ length: dim }, () => ({ re: 0, im: 0 }));
    if (!controls.every((c) => (col >> c) & 1)) {
      out[col] = { re: 1, im: 0 };
      return out;
    }
    const bit = (col >> target) & 1;
    for (let r = 0; r < 2; r++) {
      const i = (col & ~(1 << target)) | (r << target);
      out[i] = { re: m.data[2 * (r * 2 + bit)] ?? 0, im: m.data[2 * (r * 2 + bit) + 1] ?? 0 };
    }
    return out;
  });
}

const ANGLES = [0.3, -1.1, 2.4, 0.7];

describe('what the parser emits has the meaning of the program', () => {
  it('csx, c3x, c3sqrtx and c4x from qelib1 are the multi-controlled X and √X gates', () => {
    expectSameUpToPhase(u(2, 'csx q[0], q[1];'), multiControlled(2, [0], 1, 'sx'));
    expectSameUpToPhase(u(4, 'c3x q[0], q[1], q[2], q[3];'), multiControlled(4, [0, 1, 2], 3, 'x'));
    expectSameUpToPhase(u(4, 'c3sqrtx q[0], q[1], q[2], q[3];'), multiControlled(4, [0, 1, 2], 3, 'sx'));
    expectSameUpToPhase(u(5, 'c4x q[0], q[1], q[2], q[3], q[4];'), multiControlled(5, [0, 1, 2, 3], 4, 'x'));
  });

  it('inv @ g undoes g for every standard gate that has a standard inverse', () => {
    for (const [name, spec] of Object.entries(STANDARD_GATES)) {
      if (name === 'iswap') continue;
      const args = spec.params === 0 ? '' : `(${ANGLES.slice(0, spec.params).join(', ')})`;
      const qubits = Array.from({ length: spec.qubits }, (_, i) => `q[${i}]`).join(', ');
      expectSameUpToPhase(u(spec.qubits, `${name}${args} ${qubits};\ninv @ ${name}${args} ${qubits};`), u(spec.qubits, ''));
    }
  });

  it('ctrl @ g is exactly the controlled g (phase included)', () => {
    for (const g of ['x', 'y', 'z', 'h', 'p(0.3)', 'u1(0.3)', 'rx(0.3)', 'ry(0.3)', 'rz(0.3)', 's', 'sdg', 't', 'tdg', 'u(0.3, -1.1, 2.4)', 'u3(0.3, -1.1, 2.4)', 'u2(0.3, -1.1)']) {
      const emitted = u(2, `ctrl @ ${g} q[0], q[1];`);
      const base = u(1, `${g} q[0];`);
      const expected: Unitary = Array.from({ length: 4 }, (_, col) => {
        const out = Array.from({ length: 4 }, () => ({ re: 0, im: 0 }));
        if ((col & 1) === 0) out[col] = { re: 1, im: 0 };
        else for (let r = 0; r < 2; r++) out[1 | (r << 1)] = base[col >> 1]?.[r] ?? { re: 0, im: 0 };
        return out;
      });
      emitted.forEach((col, j) =>
        col.forEach((x, i) => {
          expect(x.re, `ctrl @ ${g}`).toBeCloseTo(expected[j]?.[i]?.re ?? NaN, 9);
          expect(x.im, `ctrl @ ${g}`).toBeCloseTo(expected[j]?.[i]?.im ?? NaN, 9);
        }),
      );
    }
  });

  it("the printer's definitions of gates outside stdgates.inc implement those gates", () => {
    for (const def of DEFINITIONS) {
      const spec = STANDARD_GATES[def.name as keyof typeof STANDARD_GATES];
      const renamed = `my_${def.name}`;
      const deps = DEFINITIONS.filter((d) => def.uses.includes(d.name)).map((d) => d.text);
      const args = spec.params === 0 ? '' : `(${ANGLES.slice(0, spec.params).join(', ')})`;
      const qubits = Array.from({ length: spec.qubits }, (_, i) => `q[${i}]`).join(', ');
      const viaBody = u(spec.qubits, `${deps.join('\n')}\n${def.text.replace(`gate ${def.name}`, `gate ${renamed}`)}\n${renamed}${args} ${qubits};`);
      expectSameUpToPhase(viaBody, u(spec.qubits, `${def.name}${args} ${qubits};`));
    }
  });
});
