/**
 * OpenQASM inputs for the parser's property tests and its benchmark (bench/qasm-parse.mjs): a corpus
 * of valid programs, the tokens they are made of, and generators of near-programs.
 */
import fc from 'fast-check';

export const CORPUS = [
  `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
gate g(a) x, y { rz(a / 2) x; cx x, y; inv @ s y; }
bit[2] meas;
qubit[2] q;
h q[0];
g(theta) q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
if (meas == 1) { x q[0]; } else { delay[1.5us] q; }
meas[1] = measure q[1];
`,
  `OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
rz(-pi/2) $3;
sx $3;
ecr $3, $0;
pow(2) @ t $0;
ctrl @ rx(0.5) $0, $3;
c[0] = measure $0;
if (!c[0]) reset $3;
delay[100dt] $0;
`,
  `OPENQASM 2.0;
include "qelib1.inc";
gate bell a,b { h a; cx a,b; }
qreg q[4];
creg c[4];
bell q[0],q[1];
u3(pi/2, 0, 2^2) q[2];
c3x q[0],q[1],q[2],q[3];
measure q -> c;
if(c==5) x q[0];
`,
];

export const TOKENS = [
  'OPENQASM', '3.0', '2.0', ';', 'include', '"stdgates.inc"', 'qubit', 'bit', '[', ']', '2', '0', 'q', 'c', '$0', '$1',
  'h', 'cx', 'rz', '(', ')', 'pi', '-', '+', '*', '/', '**', ',', '{', '}', 'gate', 'g', 'a', 'measure', '->', '=', 'if',
  'else', '==', '!', 'barrier', 'reset', 'delay', '100dt', 'input', 'float', '[64]', 'theta', 'inv', 'ctrl', 'pow', '@',
  '/*', '*/', '//', '\n', 'qreg', 'creg', 'U', 'CX', '"', 'sin', '1e-3', '.5', 'π',
];

/** Arbitrary strings, bytes included. */
export const binaryString = fc.string({ unit: 'binary', maxLength: 300 });

/** Tokens of the language in random order. */
export const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join(' '));

/** A valid program with random slices deleted, duplicated, or replaced by random tokens. */
export const mutated = fc
  .tuple(
    fc.constantFrom(...CORPUS),
    fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom('delete', 'duplicate', 'insert'), fc.constantFrom(...TOKENS)), {
      minLength: 1,
      maxLength: 5,
    }),
  )
  .map(([program, edits]) =>
    edits.reduce((src, [at, len, kind, token]) => {
      const i = at % (src.length + 1);
      const slice = src.slice(i, i + len);
      if (kind === 'delete') return src.slice(0, i) + src.slice(i + len);
      if (kind === 'duplicate') return src.slice(0, i) + slice + slice + src.slice(i + len);
      return `${src.slice(0, i)} ${token} ${src.slice(i)}`;
    }, program),
  );
