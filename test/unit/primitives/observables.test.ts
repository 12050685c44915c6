import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../../src/circuit/ir.js';
import { parseObservables, toEnginePauliSum } from '../../../src/primitives/observables.js';

function circuit(numQubits: number, physicalQubits: number[] | null = null): Circuit {
  return { numQubits, numClbits: 0, clbitRegisters: [], parameters: [], physicalQubits, ops: [] };
}

describe('parseObservables', () => {
  it('reads a label, a dict and nested arrays with their shape', () => {
    expect(parseObservables('XZI')).toEqual({ shape: [], items: [{ width: 3, terms: [{ label: 'XZI', coeff: 1 }] }] });
    expect(parseObservables({ XX: 0.5, YY: 0.5 })).toEqual({
      shape: [],
      items: [{ width: 2, terms: [{ label: 'XX', coeff: 0.5 }, { label: 'YY', coeff: 0.5 }] }],
    });
    const array = parseObservables([['ZZ'], ['XX'], [{ ZI: 1, IZ: -1 }]]);
    expect(array.shape).toEqual([3, 1]);
    expect(array.items).toHaveLength(3);
    expect(parseObservables({ ZZ: { __type__: 'complex', __value__: [0.25, 0] } }).items[0]?.terms[0]?.coeff).toBe(0.25);
  });

  it.each([
    ['XQ', /not a Pauli string/],
    ['', /not a Pauli string/],
    [{ XX: 1, Z: 2 }, /different lengths/],
    [{ XX: 'a' }, /coefficient of "XX"/],
    [{ XX: { __type__: 'complex', __value__: [0, 1] } }, /complex.*Hermitian/],
    [{}, /no terms/],
    [[['XX', 'YY'], ['ZZ']], /ragged/],
    [42, /number 42/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseObservables(raw)).toThrow(message);
  });
});

describe('toEnginePauliSum', () => {
  it('passes circuit-width labels through', () => {
    const [obs] = parseObservables({ XZ: 2 }).items;
    expect(toEnginePauliSum(obs!, circuit(2))).toEqual({ terms: [{ label: 'XZ', coeff: 2 }] });
  });

  it('maps device-wide labels onto the compact qubits of a physical-qubit circuit', () => {
    // Circuit on $1 and $3 → compact qubits 0 and 1. Device label of width 5, qubit 0 rightmost.
    const c = circuit(2, [1, 3]);
    const [a, b] = parseObservables(['IXIZI', 'ZXIZI']).items;
    expect(toEnginePauliSum(a!, c)).toEqual({ terms: [{ label: 'XZ', coeff: 1 }] });
    // Z on untouched qubit 4 (in |0>) contributes 1.
    expect(toEnginePauliSum(b!, c)).toEqual({ terms: [{ label: 'XZ', coeff: 1 }] });
    // X on an untouched qubit has expectation 0: the term drops out.
    const [x] = parseObservables({ XIIII: 1, IIIZI: 0.5 }).items;
    expect(toEnginePauliSum(x!, c)).toEqual({ terms: [{ label: 'IZ', coeff: 0.5 }] });
  });

  it('refuses a width that matches neither the circuit nor the device', () => {
    const [obs] = parseObservables('ZZZ').items;
    expect(() => toEnginePauliSum(obs!, circuit(2))).toThrow(/observable has 3 qubits but the circuit has 2/);
    expect(() => toEnginePauliSum(obs!, circuit(2, [0, 4]))).toThrow(/physical qubits 0, 4/);
  });
});

describe('Qiskit observable encodings', () => {
  const complex = (re: number, im: number) => ({ __type__: 'complex', __value__: [re, im] });

  it('reads SparsePauliOp.to_list() pairs, summing repeated labels', () => {
    const { shape, items } = parseObservables([['ZZ', complex(0.5, 0)], ['XX', complex(-1.25, 0)], ['ZZ', 0.25]]);
    expect(shape).toEqual([]);
    expect(items[0]!.terms).toEqual([
      { label: 'ZZ', coeff: 0.75 },
      { label: 'XX', coeff: -1.25 },
    ]);
  });

  it('reads a SparsePauliOp as RuntimeEncoder writes it (settings, PauliList, complex coefficients, phases)', () => {
    const op = {
      __type__: 'settings',
      __module__: 'qiskit.quantum_info.operators.symplectic.sparse_pauli_op',
      __class__: 'SparsePauliOp',
      __value__: { data: { __type__: 'settings', __class__: 'PauliList', __value__: { data: ['ZI', '-IX', '-iYY'] } }, coeffs: [complex(2, 0), complex(0.5, 0), complex(0, 1)] },
    };
    // −i·(i) = 1 for the last term.
    expect(parseObservables([op, 'ZZ']).items[0]!.terms).toEqual([
      { label: 'ZI', coeff: 2 },
      { label: 'IX', coeff: -0.5 },
      { label: 'YY', coeff: 1 },
    ]);
  });

  it('refuses a complex coefficient instead of dropping its imaginary part', () => {
    expect(() => parseObservables([['ZZ', complex(1, 0.5)]])).toThrow(/complex .*Hermitian/);
  });

  it('keeps a list of labels a list of observables', () => {
    expect(parseObservables([['ZZ', 'XX']]).shape).toEqual([1, 2]);
  });
});
