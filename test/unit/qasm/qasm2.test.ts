import { describe, expect, it } from 'vitest';
import { parseQasm } from '../../../src/qasm/index.js';
import { gate } from './helpers.js';

describe('OpenQASM 2', () => {
  it('reads a Bell circuit to the same IR as its OpenQASM 3 form', () => {
    const v2 = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg meas[2];
h q[0];
cx q[0],q[1];
barrier q[0],q[1];
measure q[0] -> meas[0];
measure q[1] -> meas[1];
`);
    const v3 = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
bit[2] meas;
qubit[2] q;
h q[0];
cx q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
meas[1] = measure q[1];
`);
    expect(v2).toEqual(v3);
  });

  it('broadcasts measure q -> c and reads if (c==n) op;', () => {
    const v2 = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q;
measure q -> c;
if(c==3) x q[0];
reset q[1];
`);
    const v3 = parseQasm(`OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q;
c = measure q;
if (c == 3) { x q[0]; }
reset q[1];
`);
    expect(v2).toEqual(v3);
  });

  it('reads U and CX builtins, qelib1 gates and ^ as power', () => {
    const c = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
U(pi/2, 0, pi) q[0];
CX q[0], q[1];
u1(0.5) q[0];
u2(0, pi) q[1];
u3(1, 2, 3) q[0];
cu1(0.25) q[0], q[1];
cu3(1, 2, 3) q[1], q[0];
rzz(2^3) q[0], q[1];
u0(1) q[0];
`);
    expect(c.ops).toEqual([
      gate('u', [0], [Math.PI / 2, 0, Math.PI]),
      gate('cx', [0, 1]),
      gate('u1', [0], [0.5]),
      gate('u2', [1], [0, Math.PI]),
      gate('u3', [0], [1, 2, 3]),
      gate('cp', [0, 1], [0.25]),
      gate('cu', [1, 0], [1, 2, 3, 0]),
      gate('rzz', [0, 1], [8]),
      gate('id', [0]),
    ]);
  });

  it('inlines gate definitions and maps definitions of standard gates', () => {
    const c = parseQasm(`OPENQASM 2.0;
include "qelib1.inc";
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate bell a,b { h a; cx a,b; }
gate rot(t) a { u3(t, 0, -t) a; }
qreg q[3];
rzx(pi) q[0],q[1];
bell q[1],q[2];
rot(0.5) q[2];
`);
    expect(c.ops).toEqual([
      gate('rzx', [0, 1], [Math.PI]),
      gate('h', [1]),
      gate('cx', [1, 2]),
      gate('u3', [2], [0.5, 0, -0.5]),
    ]);
  });

  it('lets an OpenQASM 2 program use words that are keywords in OpenQASM 3 as names', () => {
    const c = parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg bit[1];\ncreg input[1];\nx bit[0];\nmeasure bit[0] -> input[0];\n');
    expect(c.clbitRegisters).toEqual([{ name: 'input', size: 1, offset: 0 }]);
    expect(c.ops).toEqual([gate('x', [0]), { kind: 'measure', qubit: 0, clbit: 0 }]);
  });
});
