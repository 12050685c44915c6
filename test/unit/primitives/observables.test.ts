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
