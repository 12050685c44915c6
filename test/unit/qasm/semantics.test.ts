/**
 * Numerical checks that what the parser emits means what the program says: library gates, inv @,
 * ctrl @, negctrl @, pow(k) @ and the printer's gate definitions are compared as unitaries (built with
 * the simulator's gate matrices) against the gates they stand for.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, evalExpr, isStandardGate, type Circuit } from '../../../src/circuit/ir.js';
import { DEFINITIONS } from '../../../src/qasm/printer.js';
import { QrunError } from '../../../src/errors.js';
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

/**
 * `base` (on qubits k..) controlled by qubits 0..k-1, firing when they read `state` (bit i for
 * control i; all ones is ctrl @, zeros negctrl @). Exact: the phase of `base` counts.
 */
function controlled(base: Unitary, k: number, state = (1 << k) - 1): Unitary {
  const dim = base.length << k;
  const mask = (1 << k) - 1;
  return Array.from({ length: dim }, (_, col) => {
    const out = Array.from({ length: dim }, () => ({ re: 0, im: 0 }));
    if ((col & mask) !== state) out[col] = { re: 1, im: 0 };
    else base[col >> k]?.forEach((x, r) => (out[(r << k) | state] = x));
    return out;
  });
}

function expectExactly(a: Unitary, b: Unitary, label: string): void {
  expect(a.length, label).toBe(b.length);
  a.forEach((col, j) =>
    col.forEach((x, i) => {
      expect(x.re, label).toBeCloseTo(b[j]?.[i]?.re ?? NaN, 9);
      expect(x.im, label).toBeCloseTo(b[j]?.[i]?.im ?? NaN, 9);
    }),
  );
}

const CUSTOM = 'gate g(t) a, b { h a; cx a, b; rz(t) b; sx a; gphase(0.2); }';

/** g(0.7) with its global phase, which a circuit drops (unobservable) but a control makes real. */
function customWithPhase(): Unitary {
  const c = Math.cos(0.2);
  const s = Math.sin(0.2);
  return u(2, `${CUSTOM}\ng(0.7) q[0], q[1];`).map((col) => col.map((x) => ({ re: c * x.re - s * x.im, im: s * x.re + c * x.im })));
}


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

  it('ctrl @ on every standard gate is exactly the controlled gate, also where no standard gate expresses it directly', () => {
    for (const [name, spec] of Object.entries(STANDARD_GATES)) {
      const args = spec.params === 0 ? '' : `(${ANGLES.slice(0, spec.params).join(', ')})`;
      const own = Array.from({ length: spec.qubits }, (_, i) => `q[${i}]`).join(', ');
      const shifted = Array.from({ length: spec.qubits }, (_, i) => `q[${i + 1}]`).join(', ');
      expectExactly(u(spec.qubits + 1, `ctrl @ ${name}${args} q[0], ${shifted};`), controlled(u(spec.qubits, `${name}${args} ${own};`), 1), `ctrl @ ${name}`);
    }
  });

  it('ctrl @ and ctrl(2) @ on a user-defined gate control its whole body, global phase included', () => {
    const base = customWithPhase();
    expectExactly(u(3, `${CUSTOM}\nctrl @ g(0.7) q[0], q[1], q[2];`), controlled(base, 1), 'ctrl @ g');
    expectExactly(u(4, `${CUSTOM}\nctrl(2) @ g(0.7) q[0], q[1], q[2], q[3];`), controlled(base, 2), 'ctrl(2) @ g');
    expectExactly(u(4, `${CUSTOM}\nctrl @ ctrl @ g(0.7) q[0], q[1], q[2], q[3];`), controlled(base, 2), 'ctrl @ ctrl @ g');
  });

  it('negctrl @ fires on 0, counts its qubits, and mixes with ctrl @ (the first modifier takes the first operand)', () => {
    const base = customWithPhase();
    expectExactly(u(3, `${CUSTOM}\nnegctrl @ g(0.7) q[0], q[1], q[2];`), controlled(base, 1, 0), 'negctrl @ g');
    expectExactly(u(2, 'negctrl @ x q[0], q[1];'), controlled(u(1, 'x q[0];'), 1, 0), 'negctrl @ x');
    expectExactly(u(3, 'negctrl(2) @ x q[0], q[1], q[2];'), controlled(u(1, 'x q[0];'), 2, 0), 'negctrl(2) @ x');
    // ctrl takes q[0] (bit 0 must be 1), negctrl takes q[1] (bit 1 must be 0).
    expectExactly(u(3, 'ctrl @ negctrl @ h q[0], q[1], q[2];'), controlled(u(1, 'h q[0];'), 2, 0b01), 'ctrl @ negctrl @ h');
  });

  it('a modifier that adds controls names their count when the operands do not match', () => {
    const source = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nnegctrl @ cx q[0], q[1];\n';
    expect(() => parseQasm(source)).toThrow('gate cx with 1 control takes 3 qubits, got 2');
  });

  it('pow(k) @ with k not an integer scales rotations and phases, and is refused elsewhere', () => {
    for (const [g, n] of [['rx', 1], ['ry', 1], ['rz', 1], ['p', 1], ['rzz', 2], ['rxx', 2], ['crx', 2], ['cp', 2]] as const) {
      const qubits = n === 1 ? 'q[0]' : 'q[0], q[1]';
      expectExactly(u(n, `pow(0.25) @ ${g}(1.2) ${qubits};`), u(n, `${g}(0.3) ${qubits};`), `pow(0.25) @ ${g}`);
      expectExactly(u(n, `pow(-1.5) @ ${g}(1.2) ${qubits};`), u(n, `${g}(-1.8) ${qubits};`), `pow(-1.5) @ ${g}`);
    }
    expectExactly(u(1, 'pow(0.5) @ z q[0];'), u(1, 's q[0];'), 'sqrt z');
    expectExactly(u(1, 'pow(0.5) @ s q[0];'), u(1, 't q[0];'), 'sqrt s');
    expectExactly(u(2, 'pow(0.5) @ cz q[0], q[1];'), u(2, 'cp(pi/2) q[0], q[1];'), 'sqrt cz');
    expectExactly(u(1, 'gate r(t) a { rz(t) a; }\npow(1/3) @ r(0.9) q[0];'), u(1, 'rz(0.3) q[0];'), 'a user gate of one rotation');
    for (const [body, names] of [['pow(0.5) @ h q[0];', 'pow(0.5) @ h'], ['gate two a { rz(0.1) a; rx(0.2) a; }\npow(0.5) @ two q[0];', '2 gates']] as const) {
      let caught: unknown;
      try {
        u(1, body);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(QrunError);
      expect((caught as QrunError).code).toBe('QASM_UNSUPPORTED');
      expect((caught as QrunError).message).toContain(names);
    }
  });
});
