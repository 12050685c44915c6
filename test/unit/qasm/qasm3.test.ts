import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../../src/circuit/ir.js';
import { parseQasm } from '../../../src/qasm/index.js';
import { gate } from './helpers.js';

describe('OpenQASM 3 as Qiskit exports it', () => {
  it('reads a Bell circuit with measure_all (barrier, bit[2] meas)', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
bit[2] meas;
qubit[2] q;
h q[0];
cx q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
meas[1] = measure q[1];
`);
    expect(c).toEqual<Circuit>({
      numQubits: 2,
      numClbits: 2,
      clbitRegisters: [{ name: 'meas', size: 2, offset: 0 }],
      parameters: [],
      physicalQubits: null,
      ops: [
        gate('h', [0]),
        gate('cx', [0, 1]),
        { kind: 'barrier', qubits: [0, 1] },
        { kind: 'measure', qubit: 0, clbit: 0 },
        { kind: 'measure', qubit: 1, clbit: 1 },
      ],
    });
  });

  it('keeps inputs symbolic, in declaration order, and folds constants', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
input float[64] phi;
qubit[1] q;
rz(phi) q[0];
ry(theta / 2) q[0];
rx(-pi/2) q[0];
p(2*τ - ℯ + 1e-3 + .5) q[0];
u(sin(pi/2), sqrt(4), -theta**2) q[0];
`);
    expect(c.parameters).toEqual(['theta', 'phi']);
    expect(c.ops).toEqual([
      { kind: 'gate', name: 'rz', qubits: [0], params: [{ kind: 'param', name: 'phi' }] },
      {
        kind: 'gate',
        name: 'ry',
        qubits: [0],
        params: [{ kind: 'bin', op: '/', left: { kind: 'param', name: 'theta' }, right: { kind: 'num', value: 2 } }],
      },
      gate('rx', [0], [-Math.PI / 2]),
      gate('p', [0], [4 * Math.PI - Math.E + 1e-3 + 0.5]),
      {
        kind: 'gate',
        name: 'u',
        qubits: [0],
        params: [
          { kind: 'num', value: 1 },
          { kind: 'num', value: 2 },
          // `**` binds tighter than unary minus.
          { kind: 'neg', arg: { kind: 'bin', op: '**', left: { kind: 'param', name: 'theta' }, right: { kind: 'num', value: 2 } } },
        ],
      },
    ]);
  });

  it('compacts physical qubits $0 and $3 to two qubits and records the mapping', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
rz(pi/2) $3;
sx $3;
cx $3, $0;
c[0] = measure $0;
c[1] = measure $3;
`);
    expect(c.numQubits).toBe(2);
    expect(c.physicalQubits).toEqual([0, 3]);
    expect(c.ops).toEqual([
      gate('rz', [1], [Math.PI / 2]),
      gate('sx', [1]),
      gate('cx', [1, 0]),
      { kind: 'measure', qubit: 0, clbit: 0 },
      { kind: 'measure', qubit: 1, clbit: 1 },
    ]);
  });

  it('maps custom definitions of standard gates to the standard gate and inlines the others', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
gate rzx(_gate_p_0) _gate_q_0, _gate_q_1 {
  h _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(_gate_p_0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_1;
}
gate ecr _gate_q_0, _gate_q_1 {
  rzx(pi/4) _gate_q_0, _gate_q_1;
  x _gate_q_0;
  rzx(-pi/4) _gate_q_0, _gate_q_1;
}
gate my_rot(a, b) t { rz(a) t; ry(b * 2) t; }
gate twice(a) x, y { my_rot(a, a + 1) x; cx x, y; my_rot(0, a) y; }
input float[64] theta;
qubit[2] q;
ecr q[0], q[1];
twice(theta) q[1], q[0];
`);
    expect(c.ops).toEqual([
      gate('ecr', [0, 1]),
      { kind: 'gate', name: 'rz', qubits: [1], params: [{ kind: 'param', name: 'theta' }] },
      {
        kind: 'gate',
        name: 'ry',
        qubits: [1],
        params: [
          {
            kind: 'bin',
            op: '*',
            left: { kind: 'bin', op: '+', left: { kind: 'param', name: 'theta' }, right: { kind: 'num', value: 1 } },
            right: { kind: 'num', value: 2 },
          },
        ],
      },
      gate('cx', [1, 0]),
      gate('rz', [0], [0]),
      {
        kind: 'gate',
        name: 'ry',
        qubits: [0],
        params: [{ kind: 'bin', op: '*', left: { kind: 'param', name: 'theta' }, right: { kind: 'num', value: 2 } }],
      },
    ]);
  });

  it('accepts the stdgates aliases CX, phase, cphase and U', () => {
    const c = parseQasm('OPENQASM 3;\nqubit[2] q;\nCX q[0], q[1];\nphase(1) q[0];\ncphase(2) q[0], q[1];\nU(1, 2, 3) q[1];\n');
    expect(c.ops).toEqual([gate('cx', [0, 1]), gate('p', [0], [1]), gate('cp', [0, 1], [2]), gate('u', [1], [1, 2, 3])]);
  });

  it('reads if/else on a register, on a bit, negated, and without braces', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
qubit[1] q;
c[0] = measure q[0];
if (c == 2) { x q[0]; } else { z q[0]; }
if (c[1]) x q[0];
if (!c[0]) { h q[0]; }
if (c[0] == 1) y q[0];
if (c != 0) s q[0];
if (c[0] == false) t q[0]; else if (c[1] == true) sdg q[0];
`);
    const x = gate('x', [0]);
    expect(c.ops.slice(1)).toEqual([
      { kind: 'if', condition: { clbits: [0, 1], value: 2 }, then: [x], else: [gate('z', [0])] },
      { kind: 'if', condition: { clbits: [1], value: 1 }, then: [x], else: [] },
      { kind: 'if', condition: { clbits: [0], value: 0 }, then: [gate('h', [0])], else: [] },
      { kind: 'if', condition: { clbits: [0], value: 1 }, then: [gate('y', [0])], else: [] },
      // c != 0 is "not (c == 0)": the branches swap.
      { kind: 'if', condition: { clbits: [0, 1], value: 0 }, then: [], else: [gate('s', [0])] },
      {
        kind: 'if',
        condition: { clbits: [0], value: 0 },
        then: [gate('t', [0])],
        else: [{ kind: 'if', condition: { clbits: [1], value: 1 }, then: [gate('sdg', [0])], else: [] }],
      },
    ]);
  });

  it('reads delays in dt and SI units, reset, and gphase (ignored)', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
delay[100dt] q[0];
delay[1.5us] q;
delay[20ns] q[1], q[0];
delay[2ms];
delay[1e-3s] q[1];
delay[3µs] q[0];
reset q;
gphase(pi/4);
`);
    expect(c.ops).toEqual([
      { kind: 'delay', qubits: [0], duration: { value: 100, unit: 'dt' } },
      { kind: 'delay', qubits: [0, 1], duration: { value: 1.5, unit: 'us' } },
      { kind: 'delay', qubits: [1, 0], duration: { value: 20, unit: 'ns' } },
      { kind: 'delay', qubits: [0, 1], duration: { value: 2, unit: 'ms' } },
      { kind: 'delay', qubits: [1], duration: { value: 1e-3, unit: 's' } },
      { kind: 'delay', qubits: [0], duration: { value: 3, unit: 'us' } },
      { kind: 'reset', qubit: 0 },
      { kind: 'reset', qubit: 1 },
    ]);
  });

  it('broadcasts gates and measurements over registers', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
qubit[2] a;
qubit[2] b;
qubit s;
bit[2] c;
bit d;
h a;
cx a, b;
cz s, b;
c = measure b;
measure a -> c;
d = measure s;
bit[2] e = measure a;
`);
    expect(c.numQubits).toBe(5);
    expect(c.clbitRegisters).toEqual([
      { name: 'c', size: 2, offset: 0 },
      { name: 'd', size: 1, offset: 2 },
      { name: 'e', size: 2, offset: 3 },
    ]);
    expect(c.ops).toEqual([
      gate('h', [0]),
      gate('h', [1]),
      gate('cx', [0, 2]),
      gate('cx', [1, 3]),
      gate('cz', [4, 2]),
      gate('cz', [4, 3]),
      { kind: 'measure', qubit: 2, clbit: 0 },
      { kind: 'measure', qubit: 3, clbit: 1 },
      { kind: 'measure', qubit: 0, clbit: 0 },
      { kind: 'measure', qubit: 1, clbit: 1 },
      { kind: 'measure', qubit: 4, clbit: 2 },
      { kind: 'measure', qubit: 0, clbit: 3 },
      { kind: 'measure', qubit: 1, clbit: 4 },
    ]);
  });

  it('applies inv @ to standard and custom gates, pow(k) @ and ctrl @ on standard gates', () => {
    const c = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
gate g(a) x, y { s x; crx(a) x, y; u2(0.5, 0.25) y; }
qubit[3] q;
inv @ s q[0];
inv @ g(1) q[0], q[1];
pow(2) @ t q[0];
pow(-1) @ sx q[0];
ctrl @ x q[0], q[1];
ctrl(2) @ x q[0], q[1], q[2];
ctrl @ ctrl @ z q[2], q[1], q[0];
ctrl @ rz(0.5) q[1], q[0];
inv @ ctrl @ s q[0], q[1];
`);
    expect(c.ops).toEqual([
      gate('sdg', [0]),
      gate('u3', [1], [-Math.PI / 2, -0.25, -0.5]),
      gate('crx', [0, 1], [-1]),
      gate('sdg', [0]),
      gate('t', [0]),
      gate('t', [0]),
      gate('sxdg', [0]),
      gate('cx', [0, 1]),
      gate('ccx', [0, 1, 2]),
      gate('ccz', [2, 1, 0]),
      gate('crz', [1, 0], [0.5]),
      gate('cp', [0, 1], [-Math.PI / 2]),
    ]);
  });

  it('skips comments of both kinds and reads a program without a version line as OpenQASM 3', () => {
    const c = parseQasm('// header\n/* block\n comment */ qubit q; /* inline */ x q; // trailing\n');
    expect(c.ops).toEqual([gate('x', [0])]);
  });

  it('reads the qelib1 library gates (cu3, csx, c3x) by inlining them', () => {
    const c = parseQasm('OPENQASM 3;\nqubit[4] q;\ncu3(1, 2, 3) q[0], q[1];\ncsx q[0], q[1];\nc3x q[0], q[1], q[2], q[3];\n');
    expect(c.ops[0]).toEqual(gate('cu', [0, 1], [1, 2, 3, 0]));
    expect(c.ops.slice(1, 4)).toEqual([gate('h', [1]), gate('cp', [0, 1], [Math.PI / 2]), gate('h', [1])]);
    expect(c.ops.slice(4).every((op) => op.kind === 'gate' && ['h', 'cp', 'cx'].includes(op.name))).toBe(true);
  });
});
