/**
 * The project's `support_qiskit: true` output read by real qiskit-ibm-runtime: RuntimeDecoder must
 * give PrimitiveResult objects whose counts, shapes, register names, bit order and estimator arrays
 * equal the plain output. All results are decoded by one Python process (decode_results.py).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { toPlain, type PlainEstimatorResult, type PlainSamplerResult } from '../../../src/primitives/encode-plain.js';
import { toQiskit } from '../../../src/primitives/encode-qiskit.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import type { EstimatorOutcome, SamplerOutcome } from '../../../src/primitives/result-model.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';

interface DecodedPub {
  type: string;
  shape: number[];
  fields: string[];
  metadata: Record<string, unknown>;
  registers?: Record<string, { num_bits: number; num_shots: number; shape: number[]; counts: Record<string, number>; bitstrings: string[]; ints: number[] }>;
  joined_counts?: Record<string, number>;
  arrays?: Record<string, { shape: number[]; values: number[] }>;
}
interface Decoded {
  metadata: Record<string, unknown>;
  pubs: DecodedPub[];
}

const skip = pythonSkipReason();

const MULTI = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
bit[2] a;
bit[3] b;
bit[9] wide;
qubit[9] q;
x q[0];
ry(theta) q[1];
h q[2];
cx q[2], q[3];
x q[4];
h q[8];
a[0] = measure q[0];
a[1] = measure q[1];
b[0] = measure q[2];
b[1] = measure q[3];
b[2] = measure q[4];
wide = measure q;
`;
const BELL_STATE = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] t;\nqubit[2] q;\nry(t) q[0];\ncx q[0], q[1];\n';

let sampled: SamplerOutcome;
let estimated: EstimatorOutcome;
let decoded: Decoded[] = [];

beforeAll(async () => {
  if (skip !== '') return;
  sampled = await runSampler(parseSamplerParams({ version: 2, pubs: [[MULTI, [[0.3], [2.1], [3.14159]], 50], [MULTI, [1.0], 7]] }), { seed: 4 });
  estimated = await runEstimator(
      parseEstimatorParams({ version: 2, pubs: [[BELL_STATE, [['ZZ', 'XX', 'IZ'], ['YY', { ZI: 0.5, XX: -1.5 }, 'II']], [[[0.1]], [[0.7]]]], [BELL_STATE, 'ZI', [0.4], 0]] }),
    { seed: 4 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'qrun-decoder-'));
  const file = join(dir, 'results.json');
  writeFileSync(file, JSON.stringify([toQiskit(sampled), toQiskit(estimated)]));
  const script = fileURLToPath(new URL('./decode_results.py', import.meta.url));
  const run = spawnSync(venvPython(), [script, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`decode_results.py failed (${String(run.status)}):\n${run.stderr}`);
  decoded = JSON.parse(run.stdout) as Decoded[];
}, 180_000);

describe.skipIf(skip !== '')('support_qiskit output decoded by qiskit_ibm_runtime.RuntimeDecoder', () => {
  it('sampler: SamplerPubResult per PUB, registers by name in order, shapes and shots', () => {
    const plain = toPlain(sampled) as PlainSamplerResult;
    const got = decoded[0]!;
    expect(got.metadata).toEqual(plain.metadata);
    expect(got.pubs.map((p) => p.type)).toEqual(['SamplerPubResult', 'SamplerPubResult']);
    got.pubs.forEach((pub, i) => {
      const ours = sampled.pubs[i]!;
      expect(pub.fields).toEqual(['a', 'b', 'wide']);
      expect(pub.shape).toEqual([...ours.shape]);
      expect(pub.metadata).toEqual(plain.results[i]!.metadata);
      for (const register of ours.registers) {
        const theirs = pub.registers![register.name]!;
        expect(theirs.num_bits).toBe(register.numBits);
        expect(theirs.num_shots).toBe(register.shots);
        expect(theirs.shape).toEqual([...register.shape]);
      }
    });
  });

  it('sampler: counts, bitstrings, integers and joined counts equal the plain output bit for bit', () => {
    const plain = toPlain(sampled) as PlainSamplerResult;
    decoded[0]!.pubs.forEach((pub, i) => {
      const ours = new SamplerPubResult(sampled.pubs[i]!);
      for (const name of ours.registers) {
        const theirs = pub.registers![name]!;
        expect(theirs.counts).toEqual(ours.getCounts(name));
        expect(theirs.bitstrings).toEqual(ours.getBitstrings(name));
        // The plain output's hex samples are the same integers.
        const hex = (plain.results[i]!.data[name]!.samples as unknown as string[] | string[][]).flat();
        expect(theirs.ints).toEqual(hex.map((h) => Number.parseInt(h, 16)));
      }
      expect(pub.joined_counts).toEqual(ours.getCounts());
    });
  });

  it('estimator: PubResult with evs, stds and ensemble_standard_error arrays of the PUB shape', () => {
    const plain = toPlain(estimated) as PlainEstimatorResult;
    const got = decoded[1]!;
    expect(got.metadata).toEqual(plain.metadata);
    got.pubs.forEach((pub, i) => {
      const ours = estimated.pubs[i]!;
      expect(pub.type).toBe('PubResult');
      expect(pub.shape).toEqual([...ours.shape]);
      expect(pub.metadata).toEqual(plain.results[i]!.metadata);
      expect(pub.arrays!['evs']).toEqual({ shape: [...ours.shape], values: ours.evs });
      expect(pub.arrays!['stds']).toEqual({ shape: [...ours.shape], values: ours.stds });
      expect(pub.arrays!['ensemble_standard_error']).toEqual({ shape: [...ours.shape], values: ours.ensembleStandardError });
    });
    // Observables (2, 3) broadcast with parameter values of shape (2, 1).
    expect(got.pubs[0]!.shape).toEqual([2, 3]);
    expect(got.pubs[1]!.shape).toEqual([]);
  });
});
