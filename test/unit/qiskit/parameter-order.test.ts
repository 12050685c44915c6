/**
 * Positional parameter values mean what they mean to Qiskit: hand-written OpenQASM 3 whose
 * declarations are not in name order is loaded by real Qiskit (`qasm3.loads`), bound with
 * `assign_parameters` in `circuit.parameters` order, and its exact expectation values compared with
 * the project's exact estimator given the same positional values.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEstimatorParams } from '../../../src/primitives/payload.js';
import { runEstimator } from '../../../src/primitives/run.js';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';

const skip = pythonSkipReason();

// Declared zeta, alpha, x10, x2, B: Qiskit's circuit.parameters is B, alpha, x10, x2, zeta.
const QASM = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] zeta;
input float[64] alpha;
input float[64] x10;
input float[64] x2;
input float[64] B;
qubit[5] q;
ry(zeta) q[0];
ry(alpha) q[1];
ry(x10) q[2];
ry(x2) q[3];
ry(B) q[4];
`;
const VALUES = [
  [0.1, 0.7, 1.3, 1.9, 2.5],
  [2.9, 0.3, 1.1, 0.0, 3.1],
];
const OBSERVABLES = ['IIIIZ', 'IIIZI', 'IIZII', 'IZIII', 'ZIIII'];

const QISKIT = `
import json, sys
import numpy as np
from qiskit import qasm3
from qiskit.quantum_info import SparsePauliOp, Statevector
data = json.load(sys.stdin)
circuit = qasm3.loads(data["qasm"])
rows = []
for values in data["values"]:
    bound = circuit.assign_parameters(dict(zip(circuit.parameters, values)))
    state = Statevector(bound)
    rows.append([float(np.real(state.expectation_value(SparsePauliOp(label)))) for label in data["observables"]])
print(json.dumps({"order": [p.name for p in circuit.parameters], "evs": rows}))
`;

describe.skipIf(skip !== '')("positional parameter values as Qiskit binds them", () => {
  it('give the same exact expectation values as qasm3.loads + assign_parameters', async () => {
    const run = spawnSync(venvPython(), ['-c', QISKIT], {
      encoding: 'utf8',
      input: JSON.stringify({ qasm: QASM, values: VALUES, observables: OBSERVABLES }),
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const qiskit = JSON.parse(run.stdout) as { order: string[]; evs: number[][] };
    expect(qiskit.order).toEqual(['B', 'alpha', 'x10', 'x2', 'zeta']);

    const observables = OBSERVABLES.map((label) => [label]);
    const outcome = await runEstimator(parseEstimatorParams({ version: 2, pubs: [[QASM, observables, VALUES, 0]] }), { seed: 1 });
    const pub = outcome.pubs[0];
    if (pub === undefined || !('evs' in pub)) throw new Error('no estimator result');
    // evs has shape (5 observables, 2 bindings): compare binding by binding.
    const evs = pub.evs;
    for (const [b, row] of qiskit.evs.entries()) {
      for (const [o, value] of row.entries()) expect(evs[o * VALUES.length + b]).toBeCloseTo(value, 9);
    }
  });
});
