import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromQiskit } from '../../../src/primitives/decode-qiskit.js';
import { estimatorToPlain, samplerToPlain, toPlain } from '../../../src/primitives/encode-plain.js';
import { estimatorToQiskit, samplerToQiskit } from '../../../src/primitives/encode-qiskit.js';
import { decodeNdarrayValue } from '../../../src/primitives/numpy.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { BELL, BELL_STATE, RY_CX, expectValid, loadSchema } from './helpers.js';

const samplerResultSchema = loadSchema('sampler_result_v2_schema.json');
const estimatorResultSchema = loadSchema('estimator_result_v2_schema.json');
const qiskitSchema = loadSchema('qiskit_result_schema.json');

const SWEEP = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
bit[1] c;
bit[2] d;
qubit[2] q;
rx(theta) q[0];
c[0] = measure q[0];
d[1] = measure q[1];
`;

async function samplerOutcome() {
  return runSampler(parseSamplerParams({ pubs: [[BELL, null, 16], [SWEEP, [[0.1], [0.2], [0.3]], 8]], version: 2 }), { seed: 5 });
}

async function estimatorOutcome() {
  return runEstimator(parseEstimatorParams({ pubs: [[BELL_STATE, 'ZZ'], [RY_CX, [['ZZ'], ['XX']], [[0.1], [0.2], [0.3]]]], version: 2 }), { seed: 5 });
}

describe('plain JSON results', () => {
  it('sampler: validates against IBM’s sampler result schema (unshaped PUB)', async () => {
    const plain = samplerToPlain(await samplerOutcome());
    expectValid(samplerResultSchema, { ...plain, results: plain.results.slice(0, 1) });
    expect(plain.results[0]?.data['meas']?.num_bits).toBe(2);
    expect(plain.results[1]?.data['d']?.num_bits).toBe(2);
  });

  it('sampler: shaped PUBs nest samples along the shape (PRIMITIVES.md), which the schema’s flat items cannot express', async () => {
    const plain = samplerToPlain(await samplerOutcome());
    const samples = plain.results[1]?.data['c']?.samples as string[][];
    expect(samples).toHaveLength(3);
    expect(samples.every((s) => s.length === 8 && s.every((x) => /^0x[0-9a-f]+$/.test(x)))).toBe(true);
    // Every leaf list still validates as the schema's register object.
    for (const leaf of samples) expectValid(samplerResultSchema, { results: [{ data: { c: { samples: leaf, num_bits: 1 } }, metadata: {} }], metadata: {} });
  });

  it('estimator: validates against IBM’s estimator result schema, scalar and shaped', async () => {
    const plain = estimatorToPlain(await estimatorOutcome());
    expectValid(estimatorResultSchema, plain);
    expect(plain.results[1]?.data.evs).toHaveLength(2);
  });
});

describe('Qiskit-encoded results', () => {
  it('sampler: PrimitiveResult/SamplerPubResult/DataBin/BitArray envelopes that decode back to the same result', async () => {
    const outcome = await samplerOutcome();
    const encoded = JSON.parse(JSON.stringify(samplerToQiskit(outcome))) as unknown;
    expectValid(qiskitSchema, encoded);
    const pub = (encoded as { __value__: { pub_results: { __type__: string; __value__: { data: { __value__: { shape: number[]; field_names: string[]; fields: Record<string, { __value__: { array: { __value__: string }; num_bits: number } }> } } } }[] } })
      .__value__.pub_results[1];
    expect(pub?.__type__).toBe('SamplerPubResult');
    expect(pub?.__value__.data.__value__.shape).toEqual([3]);
    expect(pub?.__value__.data.__value__.field_names).toEqual(['c', 'd']);
    const array = decodeNdarrayValue(pub?.__value__.data.__value__.fields['d']?.__value__.array.__value__ ?? '');
    expect(array.dtype).toBe('uint8');
    expect(array.shape).toEqual([3, 8, 1]);
    expect(toPlain(fromQiskit(encoded))).toEqual(samplerToPlain(outcome));
    const decodedPlain = samplerToPlain(fromQiskit(encoded) as typeof outcome);
    expectValid(samplerResultSchema, { ...decodedPlain, results: decodedPlain.results.slice(0, 1) });
  });

  it('estimator: PubResult with float64 evs/stds/ensemble_standard_error ndarrays of the PUB shape', async () => {
    const outcome = await estimatorOutcome();
    const encoded = JSON.parse(JSON.stringify(estimatorToQiskit(outcome))) as unknown;
    expectValid(qiskitSchema, encoded);
    const pubs = (encoded as { __value__: { pub_results: { __type__: string; __value__: { data: { __value__: { fields: Record<string, { __value__: string }> } } } }[] } }).__value__.pub_results;
    expect(pubs.map((p) => p.__type__)).toEqual(['PubResult', 'PubResult']);
    const scalar = decodeNdarrayValue(pubs[0]?.__value__.data.__value__.fields['evs']?.__value__ ?? '');
    expect(scalar).toMatchObject({ dtype: 'float64', shape: [] });
    const shaped = decodeNdarrayValue(pubs[1]?.__value__.data.__value__.fields['stds']?.__value__ ?? '');
    expect(shaped.shape).toEqual([2, 3]);
    expect(toPlain(fromQiskit(encoded))).toEqual(estimatorToPlain(outcome));
    expectValid(estimatorResultSchema, toPlain(fromQiskit(encoded)));
  });
});

describe('examples/', () => {
  const sampler = loadSchema('sampler_v2_schema.json');
  const estimator = loadSchema('estimator_v2_schema.json');
  const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const params = (payload: Record<string, unknown>): unknown => payload['parameters'] ?? payload;

  it.each(['bell.json', 'ghz.json', 'sweep.json'])('%s is a valid Sampler V2 payload', (name) => {
    expectValid(sampler, params(read(name)));
    expect(() => parseSamplerParams(read(name))).not.toThrow();
  });

  it('estimator.json is a valid Estimator V2 payload', () => {
    expectValid(estimator, params(read('estimator.json')));
    expect(() => parseEstimatorParams(read('estimator.json'))).not.toThrow();
  });
});
