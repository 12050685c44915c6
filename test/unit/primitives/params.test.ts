import { describe, expect, it } from 'vitest';
import { bindParameters } from '../../../src/primitives/params.js';

describe('bindParameters', () => {
  it('binds null/omitted values of a circuit without parameters to one empty row', () => {
    expect(bindParameters(null, [])).toEqual({ shape: [], rows: [[]] });
    expect(bindParameters(undefined, [])).toEqual({ shape: [], rows: [[]] });
    expect(bindParameters([], [])).toEqual({ shape: [], rows: [[]] });
  });

  it('takes a flat list as one binding and nested lists as a sweep (last axis = parameters)', () => {
    expect(bindParameters([0.1, 1.57], ['phi', 'theta'])).toEqual({ shape: [], rows: [[0.1, 1.57]] });
    expect(bindParameters([[0.1, 1.57], [0.2, 3.14], [0.3, 0]], ['phi', 'theta'])).toEqual({
      shape: [3],
      rows: [
        [0.1, 1.57],
        [0.2, 3.14],
        [0.3, 0],
      ],
    });
    expect(bindParameters([[[1], [2]], [[3], [4]]], ['a']).shape).toEqual([2, 2]);
    expect(bindParameters(0.5, ['a'])).toEqual({ shape: [], rows: [[0.5]] });
  });

  it("binds positional columns in name order (Qiskit's circuit.parameters), whatever the declaration order", () => {
    // Declared zeta, alpha, x10, x2: Qiskit sorts by code point, so alpha, x10, x2, zeta.
    expect(bindParameters([1, 2, 3, 4], ['zeta', 'alpha', 'x10', 'x2'])).toEqual({ shape: [], rows: [[4, 1, 2, 3]] });
    expect(bindParameters([[1, 2], [3, 4]], ['b', 'B'])).toEqual({
      shape: [2],
      rows: [
        [2, 1],
        [4, 3],
      ],
    });
    // Code points, not UTF-16 units: U+FF21 (one unit, 0xFF21) sorts before U+1D400 (surrogates 0xD835…).
    expect(bindParameters([1, 2], ['\u{1D400}', '\uFF21']).rows).toEqual([[2, 1]]);
  });

  it('binds the ParameterVector elements qasm3.dumps declares (_θ_10_) by index, as circuit.parameters orders them', () => {
    // dumps of rx(θ[i]) for 12 elements and a plain `a`: declarations a, _θ_0_ … _θ_11_.
    const declared = ['a', ...Array.from({ length: 12 }, (_, i) => `_θ_${i}_`)];
    const values = declared.map((_, i) => i);
    expect(bindParameters(values, declared).rows).toEqual([values]);
    // Declared shuffled, they bind by vector name, then index: a, zz, θ[1], θ[2], θ[10] (θ is U+03B8, after z).
    const shuffled = ['_θ_10_', '_θ_2_', 'a', 'zz', '_θ_1_'];
    expect(bindParameters([1, 2, 3, 4, 5], shuffled).rows).toEqual([[5, 4, 1, 2, 3]]);
  });

  it('names the parameters in binding order when the values do not fit', () => {
    expect(() => bindParameters([1, 2, 3], ['zeta', 'alpha'])).toThrow(/alpha, zeta/);
  });

  it('binds by name in circuit order, broadcasting array values', () => {
    expect(bindParameters({ theta: 1.57, phi: 3.14 }, ['phi', 'theta'])).toEqual({ shape: [], rows: [[3.14, 1.57]] });
    expect(bindParameters({ theta: [1, 2, 3], phi: 0 }, ['phi', 'theta'])).toEqual({
      shape: [3],
      rows: [
        [0, 1],
        [0, 2],
        [0, 3],
      ],
    });
    // A BindingsArray key: a JSON list of names with the names along the last axis.
    expect(bindParameters({ '["a", "b"]': [[1, 2], [3, 4]] }, ['a', 'b'])).toEqual({
      shape: [2],
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it.each([
    [null, ['theta'], /no values were given/],
    [[0.1, 0.2, 0.3], ['theta'], /shape \(3,\).*1 \(theta\)/],
    [[[0.1], [0.2, 0.3]], ['theta'], /ragged/],
    [['x'], ['theta'], /string/],
    [{ theta: 1 }, ['phi', 'theta'], /no value for parameter phi/],
    [{ theta: 1, gamma: 2 }, ['theta'], /no parameter named "gamma"/],
    [{ theta: [1, 2], phi: [1, 2, 3] }, ['phi', 'theta'], /does not broadcast/],
    [0.5, ['a', 'b'], /one-parameter circuit/],
    ['0.5', ['a'], /expected a list, a dict or null/],
    [[Number.NaN], ['a'], /finite number/],
  ])('refuses %j for parameters %j', (raw, names, message) => {
    expect(() => bindParameters(raw, names)).toThrow(message);
  });
});

describe('Qiskit parameter names', () => {
  it('binds BindingsArray keys by Qiskit name to the identifiers qasm3.dumps declared (θ[0] → _θ_0_)', () => {
    const bound = bindParameters({ '["θ[0]", "θ[1]"]': [[0.1, 0.2]], 'phi': 0.5 }, ['_θ_0_', '_θ_1_', 'phi']);
    expect(bound).toEqual({ shape: [1], rows: [[0.1, 0.2, 0.5]] });
  });
});
