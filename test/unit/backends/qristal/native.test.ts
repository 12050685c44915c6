import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, type Circuit, type StandardGateName } from '../../../../src/circuit/ir.js';
import { toNative } from '../../../../src/backends/qristal/native.js';
import { parseQasm } from '../../../../src/qasm/index.js';
import { gateMatrix } from '../../../../src/sim/gates.js';
import { embed1q, identity, matmul, type Matrix } from '../../../../src/sim/matrix.js';
import type { QristalModel } from '../../../../src/backends/qristal/schema.js';

/** The unitary of the device's instructions on n qubits (bit j of an index = qubit j). */
function unitaryOf(instructions: readonly string[], n: number): Matrix {
  let u = identity(2 ** n);
  for (const text of instructions) {
    const one = /^(Rx|Ry)\(q\[(\d+)\],(-?\d+\.\d+)\)$/.exec(text);
    let step: Matrix;
    if (one !== null) {
      step = embed1q(gateMatrix(one[1] === 'Rx' ? 'rx' : 'ry', [Number(one[3])]), Number(one[2]), n);
    } else {
      const two = /^(A?CZ)\(q\[(\d+)\],q\[(\d+)\]\)$/.exec(text);
      if (two === null) throw new Error(`not native: ${text}`);
      const [a, b] = [Number(two[2]), Number(two[3])];
      step = identity(2 ** n);
      for (let i = 0; i < 2 ** n; i++) {
        const ca = (i >> a) & 1;
        const cb = (i >> b) & 1;
        if ((two[1] === 'CZ' ? ca === 1 : ca === 0) && cb === 1) step.data[2 * (i * 2 ** n + i)] = -1;
      }
    }
    u = matmul(step, u);
  }
  return u;
}

/** max |a - e^{iφ} b| for the best global phase φ. */
function distanceUpToPhase(a: Matrix, b: Matrix): number {
  let k = 0;
  for (let i = 0; i < a.data.length / 2; i++) if (Math.hypot(b.data[2 * i]!, b.data[2 * i + 1]!) > Math.hypot(b.data[2 * k]!, b.data[2 * k + 1]!)) k = i;
  const phase = Math.atan2(a.data[2 * k + 1]!, a.data[2 * k]!) - Math.atan2(b.data[2 * k + 1]!, b.data[2 * k]!);
  const [c, s] = [Math.cos(phase), Math.sin(phase)];
  let d = 0;
  for (let i = 0; i < a.data.length / 2; i++) {
    const re = b.data[2 * i]! * c - b.data[2 * i + 1]! * s;
    const im = b.data[2 * i]! * s + b.data[2 * i + 1]! * c;
    d = Math.max(d, Math.hypot(a.data[2 * i]! - re, a.data[2 * i + 1]! - im));
  }
  return d;
}

function oneGate(name: StandardGateName, params: number[]): Circuit {
  const arity = STANDARD_GATES[name].qubits;
  return {
    numQubits: arity,
    numClbits: 0,
    clbitRegisters: [],
    parameters: [],
    physicalQubits: null,
    ops: [{ kind: 'gate', name, qubits: Array.from({ length: arity }, (_, i) => i), params: params.map((value) => ({ kind: 'num', value })) }],
  };
}

describe('qristal native translation', () => {
  const models: QristalModel[] = ['QB-QDK2-CZ', 'QB-QDK2-ACZ'];
  for (const model of models) {
    it(`writes every standard gate as Rx, Ry and ${model === 'QB-QDK2-CZ' ? 'CZ' : 'ACZ'} with the same unitary (${model})`, () => {
      let seed = 7;
      const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 6 - 3;
      for (const [name, spec] of Object.entries(STANDARD_GATES) as [StandardGateName, { qubits: number; params: number }][]) {
        for (let trial = 0; trial < 3; trial++) {
          const params = Array.from({ length: spec.params }, random);
          const native = toNative(oneGate(name, params), [], model, 'qb');
          for (const text of native.circuit) expect(text).toMatch(model === 'QB-QDK2-CZ' ? /^(Rx|Ry)\(q\[\d\],-?\d+\.\d{10}\)$|^CZ\(q\[\d\],q\[\d\]\)$/ : /^(Rx|Ry)\(q\[\d\],-?\d+\.\d{10}\)$|^ACZ\(q\[\d\],q\[\d\]\)$/);
          const distance = distanceUpToPhase(unitaryOf(native.circuit, spec.qubits), gateMatrix(name, params));
          expect(distance, `${name}(${params.join(', ')})`).toBeLessThan(1e-8);
        }
      }
    });
  }

  it('merges the one-qubit gates between two CZs into at most three rotations, angles within (-π, π]', () => {
    const circuit = parseQasm('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\nt q[0];\ns q[0];\nx q[0];\ncx q[0], q[1];\nc = measure q;\n');
    const native = toNative(circuit, [], 'QB-QDK2-CZ', 'qb');
    const beforeCz = native.circuit.slice(0, native.circuit.indexOf('CZ(q[0],q[1])')).filter((t) => t.includes('q[0]'));
    expect(beforeCz.length).toBeLessThanOrEqual(3);
    for (const text of native.circuit) {
      const angle = /,(-?\d+\.\d+)\)$/.exec(text)?.[1];
      if (angle !== undefined) expect(Math.abs(Number(angle))).toBeLessThanOrEqual(Math.PI + 1e-9);
    }
    expect(native.measure).toEqual([[0, 0], [1, 1]]);
    expect(native.clbits).toEqual([0, 1]);
  });

  it('binds parameters and writes physical qubits as the device numbers them', () => {
    const circuit = parseQasm('OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] theta;\nbit[1] c;\nrx(theta) $3;\nc[0] = measure $3;\n');
    const native = toNative(circuit, [0.5], 'QB-QDK2-CZ', 'qb');
    expect(native.circuit).toEqual(['Rx(q[3],0.5000000000)']);
    expect(native.measure).toEqual([[3, 0]]);
    expect(native.width).toBe(4);
  });

  it.each([
    ['a gate after a measurement', 'h q[0];\nc[0] = measure q[0];\nx q[0];\n', /applies x to qubit 0 after measuring it/],
    ['a reset after use', 'h q[0];\nreset q[0];\n', /resets qubit 0 after using it/],
    ['a condition', 'c[0] = measure q[0];\nif (c[0]) { x q[1]; }\n', /condition/],
    ['a delay', 'delay[100ns] q[0];\n', /delay/],
  ])('refuses %s, naming it', (_what, body, message) => {
    const circuit = parseQasm(`OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\n${body}`);
    expect(() => toNative(circuit, [], 'QB-QDK2-CZ', 'qb_fake', 2)).toThrow(expect.objectContaining({ code: 'CIRCUIT_UNSUPPORTED', message: expect.stringMatching(message) }));
    expect(() => toNative(circuit, [], 'QB-QDK2-CZ', 'qb_fake', 2)).toThrow(/^pubs\[2\] circuit: /);
  });
});
