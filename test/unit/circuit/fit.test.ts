import { describe, expect, it } from 'vitest';
import type { BackendMetadata } from '../../../src/backends/metadata.js';
import { checkCircuitFits, checkPubsFit } from '../../../src/circuit/fit.js';
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import { QrunError } from '../../../src/errors.js';

const gate = (name: string, ...qubits: number[]): Op => ({ kind: 'gate', name, qubits, params: [] });

function circuit(numQubits: number, ops: Op[], physicalQubits: number[] | null = null): Circuit {
  return { numQubits, numClbits: 0, clbitRegisters: [], parameters: [], physicalQubits, ops };
}

const IBM_X: BackendMetadata = {
  num_qubits: 5,
  basis_gates: ['rz', 'sx', 'x', 'cx'],
  coupling_map: [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
  ],
  max_shots: 4000,
  max_experiments: 10,
};

function violation(c: Circuit, needs = { shots: 100, experiments: 1 }, metadata: BackendMetadata = IBM_X): string | null {
  try {
    checkCircuitFits(c, metadata, needs, 'ibm_x');
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(QrunError);
    expect((error as QrunError).code).toBe('CIRCUIT_DOES_NOT_FIT');
    return (error as QrunError).message;
  }
}

describe('checkCircuitFits', () => {
  it('accepts a circuit that fits, ignoring barrier/delay/measure/reset against the basis', () => {
    const ops: Op[] = [
      gate('sx', 0),
      gate('cx', 1, 0), // against the listed direction: the map is undirected
      { kind: 'barrier', qubits: [0, 1, 2] },
      { kind: 'delay', qubits: [2], duration: { value: 100, unit: 'dt' } },
      { kind: 'reset', qubit: 2 },
      { kind: 'measure', qubit: 0, clbit: 0 },
    ];
    expect(violation(circuit(3, ops))).toBeNull();
    // No basis, no coupling map, no limits: anything goes within the qubit count.
    expect(violation(circuit(5, [gate('ccx', 0, 2, 4)]), { shots: 1e9, experiments: 1e9 }, { num_qubits: 5 })).toBeNull();
  });

  it('names too many qubits, counting physical qubits by their device index', () => {
    expect(violation(circuit(7, []))).toBe('needs 7 qubits, ibm_x has 5');
    expect(violation(circuit(2, [gate('x', 1)], [0, 6]))).toMatch(/^needs 7 qubits \(it uses physical qubit \$6\), ibm_x has 5$/);
    expect(violation(circuit(2, [gate('cx', 0, 1)], [3, 4]))).toBeNull();
  });

  it('names a gate outside the basis, also inside if/else', () => {
    expect(violation(circuit(3, [gate('ccx', 0, 1, 2)]))).toMatch(/^gate ccx not in basis rz,sx,x,cx/);
    const conditional: Op = { kind: 'if', condition: { clbits: [0], value: 1 }, then: [gate('x', 0)], else: [gate('h', 0)] };
    expect(violation(circuit(1, [conditional]))).toMatch(/^gate h not in basis/);
  });

  it('names a 2-qubit gate on uncoupled qubits, mapping compact qubits to physical ones', () => {
    expect(violation(circuit(4, [gate('cx', 0, 3)]))).toMatch(/^cx on 0–3 not in coupling map/);
    // Compact 0,1 are physical 1 and 4: not coupled.
    expect(violation(circuit(2, [gate('cx', 0, 1)], [1, 4]))).toMatch(/^cx on 1–4 not in coupling map/);
  });

  it('names too many shots and too many experiments', () => {
    expect(violation(circuit(1, []), { shots: 5000, experiments: 1 })).toBe('needs 5000 shots, ibm_x allows at most 4000');
    expect(violation(circuit(1, []), { shots: 1, experiments: 11 })).toMatch(/^needs 11 circuit executions, ibm_x allows at most 10/);
  });

  it('reports the first violation in a fixed order: qubits, then gates, then shots', () => {
    expect(violation(circuit(7, [gate('ccx', 0, 1, 2)]), { shots: 9999, experiments: 1 })).toMatch(/^needs 7 qubits/);
    expect(violation(circuit(3, [gate('ccx', 0, 1, 2)]), { shots: 9999, experiments: 1 })).toMatch(/^gate ccx/);
  });

  it('names the PUB when the caller gives its index, in the message and the details', () => {
    let caught: unknown;
    try {
      checkCircuitFits(circuit(3, [gate('cx', 0, 2)]), IBM_X, { shots: 100, experiments: 1, pub: 4 }, 'ibm_x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QrunError);
    expect((caught as QrunError).message).toBe('pubs[4] circuit: cx on 0–2 not in coupling map of ibm_x');
    expect((caught as QrunError).details).toMatchObject({ backend: 'ibm_x', pub: 4, gate: 'cx' });
  });

  it('checkPubsFit checks each PUB of a task, naming the one that does not fit, and counts experiments over all', () => {
    const ok = { circuit: circuit(2, [gate('cx', 0, 1)]), shots: 100, elements: 4 };
    expect(() => checkPubsFit([{ index: 0, ...ok }, { index: 1, ...ok, circuit: circuit(6, []) }], IBM_X, 'ibm_x')).toThrow(/^pubs\[1\] circuit: needs 6 qubits, ibm_x has 5$/);
    expect(() => checkPubsFit([{ index: 0, ...ok }, { index: 1, ...ok }, { index: 2, ...ok }], IBM_X, 'ibm_x')).toThrow(/^pubs\[0\] circuit: needs 12 circuit executions/);
    expect(() => checkPubsFit([{ index: 0, ...ok }, { index: 1, ...ok }], IBM_X, 'ibm_x')).not.toThrow();
  });

  it('finds a gate outside the basis in a while loop unrolled a thousand ifs deep', () => {
    let ops: Op[] = [gate('h', 0)];
    for (let i = 0; i < 1000; i++) ops = [{ kind: 'if', condition: { clbits: [0], value: 1 }, then: [gate('x', 0), ...ops], else: [] }];
    expect(violation(circuit(1, ops))).toMatch(/^gate h not in basis/);
  });
});
