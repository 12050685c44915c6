/** Circuits in the fake device's basis (cz id rz sx x), for the unit and the e2e tests that run on it. */

/** A Bell pair on physical qubits 0 and 1 (h = rz·sx·rz, cx = h·cz·h), measured into `c`. */
export const BELL_ISA = [
  'OPENQASM 3.0;',
  'include "stdgates.inc";',
  'bit[2] c;',
  'rz(pi/2) $0; sx $0; rz(pi/2) $0;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'cz $0, $1;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'c[0] = measure $0;',
  'c[1] = measure $1;',
].join('\n');
