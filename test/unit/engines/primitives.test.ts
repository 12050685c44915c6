/**
 * The Sampler and Estimator primitives on each engine: for the same payload and seed, the TypeScript
 * engine and the native engine (complex128) produce the same results — the same shots, and
 * expectation values to 1e-10 — so a user sees no difference but speed.
 */
import { describe, expect, it } from 'vitest';
import { createNativeEngine } from '../../../src/native/engine.js';
import { samplerToPlain, estimatorToPlain } from '../../../src/primitives/encode-plain.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { simMetadata, SIM_BACKEND } from '../../../src/backends/sim/metadata.js';
import type { Engine } from '../../../src/sim/api.js';
import { createTsEngine } from '../../../src/sim/engine.js';
import { nativeBinding } from '../native/binding.js';

const engines: Record<string, Engine> = { ts: createTsEngine(), native: createNativeEngine({ binding: nativeBinding() }) };
const selected = (engine: Engine) => ({ kind: 'local' as const, name: SIM_BACKEND, metadata: simMetadata(), engine });

const GHZ = `OPENQASM 3.0;
include "stdgates.inc";
bit[5] c;
qubit[5] q;
h q[0];
cx q[0], q[1];
cx q[1], q[2];
cx q[2], q[3];
cx q[3], q[4];
c = measure q;
`;

const DYNAMIC = `OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
qubit[2] q;
h q[0];
c[0] = measure q[0];
if (c[0]) { x q[1]; }
reset q[0];
h q[0];
c[1] = measure q[1];
`;

const PARAM = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
input float[64] phi;
qubit[3] q;
ry(theta) q[0];
rx(phi) q[1];
cx q[0], q[1];
rzz(theta) q[1], q[2];
h q[2];
`;

describe('primitives give the same results on the TypeScript and native engines', () => {
  it('sampler: GHZ, a dynamic circuit and a noisy run, shot for shot', async () => {
    const params = parseSamplerParams({
      pubs: [[GHZ, null, 500], [DYNAMIC, null, 300]],
      version: 2,
      options: { simulator: { noise: { readout: { p01: 0.02, p10: 0.05 } } } },
    });
    const [a, b] = await Promise.all(['ts', 'native'].map(async (k) => samplerToPlain(await runSampler(params, { seed: 11, selected: selected(engines[k]!) }))));
    expect(b!.results).toEqual(a!.results);
  });

  it('estimator: a parameter sweep with several observables', async () => {
    const params = parseEstimatorParams({
      pubs: [[PARAM, [['ZII'], ['IXZ'], ['YYI'], [{ XXX: 0.5, ZZZ: -0.25 }]], [[0.1, 0.2], [1.3, -0.7], [2.5, 3.0]]]],
      version: 2,
    });
    const plain = await Promise.all(['ts', 'native'].map(async (k) => estimatorToPlain(await runEstimator(params, { seed: 5, selected: selected(engines[k]!) }))));
    const evs = plain.map((p) => (p.results[0] as { data: { evs: number[][] } }).data.evs.flat(3));
    expect(evs[0]!.length).toBe(12);
    expect(evs[1]!.length).toBe(12);
    evs[0]!.forEach((v, i) => expect(Math.abs(v - evs[1]![i]!)).toBeLessThan(1e-10));
  });
});
