import { describe, expect, it } from 'vitest';
import { Estimator, QrunError, Sampler, type EstimatorPubLike, type SamplerPubLike } from '../../../src/index.js';
import { BELL, BELL_STATE, RY_CX, expectValid, loadSchema } from './helpers.js';

describe('Sampler', () => {
  it('runs PUBs as a job and returns typed results with counts and bitstrings', async () => {
    const sampler = new Sampler({ env: {}, seed: 1 });
    const pubs: SamplerPubLike[] = [[BELL, null, 500], BELL];
    const job = sampler.run(pubs, { shots: 100 });
    expect(job.jobId).toMatch(/^[0-9a-f-]{36}$/);
    const result = await job.result();
    expect(job.status()).toBe('DONE');
    expect(result.length).toBe(2);
    const first = result.get(0);
    expect(first.registers).toEqual(['meas']);
    const counts = first.getCounts();
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(500);
    expect(first.data['meas']?.getBitstrings()).toHaveLength(500);
    expect(result.get(1).shots).toBe(100);
    expect([...result].length).toBe(2);
    expect(result.metadata).toMatchObject({ backend: 'sim', seed: 1 });
    expectValid(loadSchema('sampler_result_v2_schema.json'), result.toJSON());
    expect(result.toQiskitJSON().__type__).toBe('PrimitiveResult');
  });

  it('throws for bad PUBs at run(), and rejects result() for bad circuits', async () => {
    const sampler = new Sampler({ env: {} });
    expect(() => sampler.run([[BELL, null, -1]])).toThrow(QrunError);
    const job = sampler.run(['OPENQASM 3.0; qubit[1] q; frobnicate q[0];']);
    await expect(job.result()).rejects.toMatchObject({ code: 'QASM_SEMANTIC' });
    expect(job.status()).toBe('ERROR');
  });

  it('selects backends like qrun', async () => {
    expect(() => new Sampler({ env: {}, backend: 'ibm_fez' }).run([BELL])).not.toThrow();
    await expect(new Sampler({ env: {}, backend: 'ibm_fez' }).run([BELL]).result()).rejects.toMatchObject({ code: 'BACKEND_UNKNOWN' });
    await expect(new Sampler({ env: { QRUN_ENDPOINT: 'http://127.0.0.1:9', QRUN_TOKEN: 't' } }).run([BELL]).result()).rejects.toMatchObject({ code: 'GATEWAY_GONE' });
  });
});

describe('Estimator', () => {
  it('returns evs and stds along the PUB shape', async () => {
    const estimator = new Estimator({ env: {}, defaultPrecision: 0.01 });
    const pubs: EstimatorPubLike[] = [
      [BELL_STATE, 'ZZ'],
      [RY_CX, [['IZ'], ['XX']], [[0], [Math.PI / 2]]],
    ];
    const result = await estimator.run(pubs).result();
    const bell = result.get(0);
    expect(bell.shape).toEqual([]);
    expect(bell.evs).toBeCloseTo(1, 12);
    expect(bell.ev()).toBeCloseTo(1, 12);
    expect(bell.metadata).toMatchObject({ shots: 10000, target_precision: 0.01 });
    const sweep = result.get(1);
    expect(sweep.shape).toEqual([2, 2]);
    expect(sweep.ev([0, 0])).toBeCloseTo(1, 12);
    expect(sweep.ev([1, 1])).toBeCloseTo(1, 12);
    expect(sweep.ev([0, 1])).toBeCloseTo(0, 12);
    expect(sweep.std([0, 1])).toBeCloseTo(0.01, 12);
    expect(sweep.evsFlat()).toHaveLength(4);
    expect(() => sweep.ev([2, 0])).toThrow(/does not address/);
    expectValid(loadSchema('estimator_result_v2_schema.json'), result.toJSON());
  });
});
