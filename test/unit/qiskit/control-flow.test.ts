/**
 * Control flow written by real Qiskit (qasm3.dumps of for_loop, while_loop, switch and if_test with
 * classical expressions, and controlled user gates), run here and compared with Qiskit's own
 * results: sampler distributions with Aer's SamplerV2, estimator values with StatevectorEstimator.
 * One Python process (control_flow.py) writes every circuit and reference; both engines run them.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { chiSquareUpper, pooledTwoSampleChiSquare } from '../../helpers/statistics.js';

interface SamplerCase {
  name: string;
  qasm: string;
  shots: number;
  counts: Record<string, number>;
}

interface EstimatorCase {
  name: string;
  qasm: string;
  observables: Record<string, number>[];
  evs: number[];
}

const skip = pythonSkipReason();
const ENGINES = [
  ['ts', '0'],
  ['native', '1'],
] as const;

let reference: { sampler: SamplerCase[]; estimator: EstimatorCase[] } = { sampler: [], estimator: [] };

beforeAll(() => {
  if (skip !== '') return;
  const script = fileURLToPath(new URL('./control_flow.py', import.meta.url));
  const run = spawnSync(venvPython(), [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  if (run.status !== 0) throw new Error(`control_flow.py failed (${String(run.status)}):\n${run.stderr}`);
  reference = JSON.parse(run.stdout) as typeof reference;
}, 300_000);

describe.skipIf(skip !== '')('control flow written by Qiskit', () => {
  it('the reference holds for, while, switch and if_test as qasm3.dumps writes them', () => {
    const text = [...reference.sampler, ...reference.estimator].map((c) => c.qasm).join('\n');
    for (const construct of ['for int ', ' in {', 'while (', 'switch (', 'int switch_dummy;', 'default {', '&&', ' & ', 'if (!']) {
      expect(text).toContain(construct);
    }
  });

  describe.each(ENGINES)('%s engine', (_label, native) => {
    const env = { QRUN_NATIVE: native };

    it('sampler distributions agree with Aer (two-sample χ², false-failure rate 1e-6 over all comparisons)', async () => {
      const failures: string[] = [];
      for (const [i, c] of reference.sampler.entries()) {
        const outcome = await runSampler(parseSamplerParams({ version: 2, pubs: [[c.qasm, null, c.shots]] }), { seed: 2000 + i, env });
        const ours = new SamplerPubResult(outcome.pubs[0]!).getCounts();
        const { statistic, df } = pooledTwoSampleChiSquare(ours, c.counts);
        const bound = chiSquareUpper(df, 1e-6 / reference.sampler.length);
        if (!(statistic < bound)) failures.push(`${c.name}: χ² = ${statistic.toFixed(1)} ≥ ${bound.toFixed(1)} (df ${df})\n  ours ${JSON.stringify(ours)}\n  aer  ${JSON.stringify(c.counts)}`);
      }
      expect(failures).toEqual([]);
    });

    it('estimator values equal StatevectorEstimator’s on the unrolled circuit to 1e-9 (exact mode)', async () => {
      const failures: string[] = [];
      for (const c of reference.estimator) {
        const outcome = await runEstimator(parseEstimatorParams({ version: 2, pubs: [[c.qasm, c.observables, null, 0]] }), { seed: 1, env });
        outcome.pubs[0]!.evs.forEach((v, k) => {
          const want = c.evs[k]!;
          if (!(Math.abs(v - want) <= 1e-9)) failures.push(`${c.name} [${k}]: ${v} vs Qiskit ${want}`);
        });
      }
      expect(failures).toEqual([]);
    });
  });
});
