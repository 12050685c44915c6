import { describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { encodeNdarray } from '../../../src/primitives/numpy.js';

const QASM = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c[0] = measure q[0];';

function codeOf(work: () => unknown): { code: string; message: string; details: Record<string, unknown> | undefined } {
  try {
    work();
  } catch (error) {
    if (error instanceof QrunError) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a QrunError');
}

describe('parseSamplerParams', () => {
  it('accepts every PUB form of PRIMITIVES.md, wrapped or not', () => {
    const params = {
      pubs: [[QASM], [QASM, null, 500], [QASM, [[0.1, 1.57]]], [QASM, { theta: 1.57, phi: 3.14 }, 500], QASM],
      version: 2,
      shots: 100,
    };
    const bare = parseSamplerParams(params);
    expect(bare.pubs.map((p) => p.shots)).toEqual([undefined, 500, undefined, 500, undefined]);
    expect(bare.pubs[3]?.parameterValues).toEqual({ theta: 1.57, phi: 3.14 });
    expect(bare.shots).toBe(100);
    expect(bare.supportQiskit).toBe(false);
    expect(parseSamplerParams({ program_id: 'sampler', parameters: params })).toEqual(bare);
    expect(parseSamplerParams({ program_id: 'sampler', backend: 'x', params })).toEqual(bare);
  });

  it('decodes numpy-encoded parameter values', () => {
    const values = encodeNdarray({ dtype: 'float64', shape: [2, 1], data: [0.5, 1.5] });
    const params = parseSamplerParams({ pubs: [[QASM, values, 10]], version: 2, support_qiskit: true });
    expect(params.pubs[0]?.parameterValues).toEqual([[0.5], [1.5]]);
    expect(params.supportQiskit).toBe(true);
  });

  it('refuses a payload nested 10 000 levels deep with a coded error, not a stack overflow', () => {
    let deep: unknown = 0.5;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const refused = codeOf(() => parseSamplerParams({ pubs: [[QASM, deep]], version: 2 }));
    expect(refused).toMatchObject({ code: 'PAYLOAD_INVALID', message: expect.stringMatching(/more than 64 levels deep/) });
  });

  it('checks program_id against the subcommand', () => {
    const wrapped = { program_id: 'estimator', parameters: { pubs: [[QASM, 'Z']], version: 2 } };
    expect(codeOf(() => parseSamplerParams(wrapped))).toMatchObject({ code: 'PAYLOAD_PROGRAM_MISMATCH', message: expect.stringMatching(/qrun sample/) });
    expect(codeOf(() => parseSamplerParams({ program_id: 'qaoa', parameters: {} })).code).toBe('PAYLOAD_INVALID');
  });

  it.each([
    [{ pubs: [[QASM]] }, /version: is required and must be 2/, undefined],
    [{ pubs: [[QASM]], version: 1 }, /version: must be 2.*got 1/, undefined],
    [{ pubs: [], version: 2 }, /pubs: must hold at least one PUB/, undefined],
    [{ pubs: [[QASM]], version: 2, shot: 5 }, /unknown field shot/, undefined],
    [{ pubs: [[QASM]], version: 2, shots: -1 }, /shots:/, undefined],
    [{ pubs: [[QASM]], version: 2, options: { simulator: { noise: { readout: { p01: 2, p10: 0 } } } } }, /options\.simulator\.noise\.readout\.p01/, undefined],
    [{ pubs: [[QASM], [QASM, null, 0]], version: 2 }, /pubs\[1\] shots: is number 0/, { pub: 1, field: 'shots' }],
    [{ pubs: [[QASM], [QASM], [42]], version: 2 }, /pubs\[2\] circuit: is number 42/, { pub: 2, field: 'circuit' }],
    [{ pubs: [[QASM, null, 1, 2]], version: 2 }, /pubs\[0\] pub: has 4 elements/, { pub: 0, field: 'pub' }],
    [{ pubs: [[{ __type__: 'QuantumCircuit', __value__: 'x' }]], version: 2 }, /QPY/, { pub: 0, field: 'circuit' }],
    [{ pubs: [['  ']], version: 2 }, /empty string/, { pub: 0, field: 'circuit' }],
    // Top-level fields in the project's own words, whatever zod found.
    [{ pubs: QASM, version: 2 }, /^pubs: must be a list of PUBs, each \[circuit, parameter values\?, shots\?\], got the string/, undefined],
    [{ version: 2 }, /^pubs: is required: a list of PUBs, each \[circuit, parameter values\?, shots\?\]/, undefined],
    [{ pubs: [], version: 2 }, /^pubs: must hold at least one PUB \[circuit, parameter values\?, shots\?\]/, undefined],
    [{ pubs: [[QASM]], version: 2, shots: 1.5 }, /^shots: must be a positive integer \(the shots of every PUB that gives none\) or null, got number 1.5$/, undefined],
    [{ pubs: [[QASM]], version: 2, shots: '100' }, /^shots: must be a positive integer .* got the string "100"$/, undefined],
    [{ pubs: [[QASM]], version: 2, support_qiskit: 'yes' }, /^support_qiskit: must be true or false, got the string "yes"$/, undefined],
    [{ pubs: [[QASM]], version: 2, shot: 5 }, /^params: unknown field shot \(params hold pubs, version, shots, support_qiskit, options\)$/, undefined],
    // ndarray envelopes that do not decode, named by PUB, field and parameter.
    [
      { pubs: [[QASM], [QASM, { __type__: 'ndarray', __value__: 'not base64 zlib' }]], version: 2 },
      /^pubs\[1\] parameter_values: ndarray: __value__ is not base64 of zlib-compressed data/,
      { pub: 1, field: 'parameter_values', path: ['pubs', 1, 1] },
    ],
    [
      { pubs: [[QASM, { __type__: 'BindingsArray', __value__: { data: { '["a", "b"]': { __type__: 'ndarray', __value__: 'eJwLAA==' } } } }]], version: 2 },
      /^pubs\[0\] parameter_values \(parameters a, b\): ndarray: /,
      { pub: 0, field: 'parameter_values' },
    ],
  ])('names the bad field in %j', (payload, message, details) => {
    const error = codeOf(() => parseSamplerParams(payload));
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.message).toMatch(message);
    if (details !== undefined) expect(error.details).toMatchObject(details);
  });
});

describe('parseEstimatorParams', () => {
  it('accepts labels, dicts and observable arrays with optional parameters and precision', () => {
    const params = parseEstimatorParams({
      pubs: [
        [QASM, 'Z'],
        [QASM, [['Z'], ['X']], [[0.1], [0.2], [0.3]], 0.01],
        [QASM, { Z: 0.5, X: 0.5 }, null, null],
      ],
      version: 2,
      precision: 0.02,
      resilience_level: 1,
    });
    expect(params.pubs.map((p) => p.observables.shape)).toEqual([[], [2, 1], []]);
    expect(params.pubs.map((p) => p.precision)).toEqual([undefined, 0.01, undefined]);
    expect(params.precision).toBe(0.02);
    expect(params.resilienceLevel).toBe(1);
  });

  it.each([
    [{ pubs: [[QASM]], version: 2 }, 'PAYLOAD_INVALID', /pubs\[0\] observables: are missing/],
    [{ pubs: [[QASM, 'Z'], [QASM, 'Q']], version: 2 }, 'OBSERVABLE_INVALID', /pubs\[1\] observables: label "Q"/],
    [{ pubs: [[QASM, 'Z', null, -0.1]], version: 2 }, 'PAYLOAD_INVALID', /pubs\[0\] precision: is number -0.1/],
    [{ pubs: [[QASM, 'Z']], version: 2, precision: -1 }, 'PAYLOAD_INVALID', /^precision: must be a number ≥ 0 \(the target standard error of every PUB that gives none; 0: exact values\) or null, got number -1$/],
    [{ pubs: [[QASM, 'Z']], version: 2, resilience_level: 3 }, 'PAYLOAD_INVALID', /^resilience_level: must be 0, 1 or 2, got number 3$/],
    [{ pubs: 'Z', version: 2 }, 'PAYLOAD_INVALID', /^pubs: must be a list of PUBs, each \[circuit, observables, parameter values\?, precision\?\]/],
    [
      { pubs: [[QASM, [{ Z: 1 }, { __type__: 'ndarray', __value__: '!!' }]]], version: 2 },
      'PAYLOAD_INVALID',
      /^pubs\[0\] observables\[1\]: ndarray: __value__ is not base64/,
    ],
    [{ program_id: 'sampler', parameters: { pubs: [[QASM]], version: 2 } }, 'PAYLOAD_PROGRAM_MISMATCH', /qrun estimate/],
  ])('refuses %j', (payload, code, message) => {
    const error = codeOf(() => parseEstimatorParams(payload));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
