import { describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { parseEstimatorParams } from '../../../src/primitives/payload.js';
import { runEstimator } from '../../../src/primitives/run.js';
import { BELL_STATE, RY_CX } from './helpers.js';

async function failure(work: () => Promise<unknown>): Promise<QrunError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected a QrunError');
}

describe.each([
  ['ts', '0'],
  ['native', '1'],
])('exact estimator: precision 0 (%s engine)', (_label, native) => {
  const env = { QRUN_NATIVE: native };
  const estimate = (params: Record<string, unknown>, options: { precision?: number } = {}) =>
    runEstimator(parseEstimatorParams({ version: 2, ...params }), { seed: 5, env, ...options });

  it('gives exact values and stds of 0, like Qiskit’s StatevectorEstimator', async () => {
    const outcome = await estimate({ pubs: [[RY_CX, ['IZ', 'ZZ', 'XX', { IZ: 0.5, XI: 0.25 }], [[0.7]], 0]] });
    const pub = outcome.pubs[0]!;
    const expected = [Math.cos(0.7), 1, Math.sin(0.7), 0.5 * Math.cos(0.7)];
    expected.forEach((v, i) => expect(Math.abs(pub.evs[i]! - v)).toBeLessThan(1e-12));
    expect(pub.stds).toEqual([0, 0, 0, 0]);
    expect(pub.ensembleStandardError).toEqual([0, 0, 0, 0]);
    expect(pub.metadata).toMatchObject({ target_precision: 0, simulator: { evs: 'exact', stds: 'exact' } });
    expect(pub.metadata).not.toHaveProperty('shots');
  });

  it('takes precision 0 from the params, options.default_precision and the run override alike', async () => {
    const fromParams = await estimate({ pubs: [[BELL_STATE, 'ZI']], precision: 0 });
    const fromOptions = await estimate({ pubs: [[BELL_STATE, 'ZI']], options: { default_precision: 0 } });
    const fromOverride = await estimate({ pubs: [[BELL_STATE, 'ZI']] }, { precision: 0 });
    for (const outcome of [fromParams, fromOptions, fromOverride]) expect(outcome.pubs[0]!.stds).toEqual([0]);
    // A PUB's own precision still wins over the params'.
    const mixed = await estimate({ pubs: [[BELL_STATE, 'ZI', null, 0.1]], precision: 0 });
    expect(mixed.pubs[0]!.stds[0]).toBeCloseTo(0.1, 12);
  });

  it('refuses exact values with a noise model, naming the PUB', async () => {
    const error = await failure(() => estimate({ pubs: [[BELL_STATE, 'ZZ'], [BELL_STATE, 'ZZ', null, 0]], options: { simulator: { noise: { depolarizing: { p1: 0.01, p2: 0.02 } } } } }));
    expect(error.code).toBe('EXACT_UNSUPPORTED');
    expect(error.message).toMatch(/^pubs\[1\] precision: .*noise/);
    expect(error.hint).toMatch(/precision > 0/);
  });

  it('refuses exact values with sampling mitigation, naming the steps', async () => {
    const error = await failure(() => estimate({ pubs: [[BELL_STATE, 'ZZ', null, 0]], resilience_level: 1 }));
    expect(error.code).toBe('EXACT_UNSUPPORTED');
    expect(error.message).toMatch(/readout, twirling/);
    expect(error.details).toMatchObject({ steps: ['readout', 'twirling'] });
  });

  it('keeps exact values through dynamical decoupling, which only pads circuits', async () => {
    const outcome = await estimate({ pubs: [[BELL_STATE, ['ZZ', 'XX'], null, 0]], options: { dynamical_decoupling: { enable: true } } });
    expect(outcome.pubs[0]!.stds).toEqual([0, 0]);
    outcome.pubs[0]!.evs.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-12));
  });
});

describe('precision bounds', () => {
  it('refuses a precision that would need more than 10^7 shots, instead of asking for 10^18', async () => {
    const error = await failure(() => runEstimator(parseEstimatorParams({ version: 2, pubs: [[BELL_STATE, 'ZZ'], [BELL_STATE, 'ZZ', null, 1e-9]] })));
    expect(error.code).toBe('OPTION_INVALID');
    expect(error.message).toMatch(/^pubs\[1\] precision: precision 1e-9 would need 1\.00e\+18 shots/);
    expect(error.hint).toMatch(/precision 0/);
  });

  it('still accepts the smallest precision under the cap', async () => {
    const outcome = await runEstimator(parseEstimatorParams({ version: 2, pubs: [[BELL_STATE, 'ZI', null, 1 / Math.sqrt(1e7)]] }), { seed: 1 });
    expect(outcome.pubs[0]!.metadata['shots']).toBe(1e7);
  });

  it.each([[-0.1], [Number.NaN]])('refuses precision %s', async (precision) => {
    expect(() => parseEstimatorParams({ version: 2, pubs: [[BELL_STATE, 'ZZ', null, precision]] })).toThrow(/precision: is .*expected a number ≥ 0/);
  });
});
